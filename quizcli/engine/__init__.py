"""quizcli.engine -- a small NumPy-only neural-network library that recomputes
every answer quizcli prints by a second, independent route.

Conventions (PyTorch names, shapes and layouts, float64) are described in
docs/engine.md.  Only NumPy is imported.
"""

from .activations import (ACTIVATION_SPECS, elu, elu_grad, erf, gelu, gelu_grad, hard_sigmoid,
                          hard_sigmoid_grad, hard_tanh, hard_tanh_grad, identity, identity_grad,
                          leaky_relu, leaky_relu_grad, log_softmax, prelu, prelu_grad, relu,
                          relu_grad, sigmoid, sigmoid_grad, softmax, softmax_backward, softplus,
                          softplus_grad, step, step_grad, tanh, tanh_grad)
from .attention import MultiHeadAttention
from .functional import (avg_pool2d, avg_pool2d_backward, causal_mask, conv2d, conv2d_backward,
                         conv_output_size, conv_transpose2d, conv_transpose2d_backward,
                         conv_transpose_output_size, max_pool2d, max_pool2d_backward,
                         pool_output_size, scaled_dot_product_attention,
                         scaled_dot_product_attention_backward)
from .layers import (ACTIVATIONS, Activation, AvgPool2d, BatchNorm, BatchNorm1d, BatchNorm2d,
                     Conv2d, ConvTranspose2d, Dense, Dropout, Flatten, Layer, LayerNorm, Linear,
                     MaxPool2d, PReLU, Sequential, Softmax)
from .losses import binary_cross_entropy, cross_entropy, mse, nll_loss, softmax_cross_entropy
from .recurrent import GRUCell, LSTMCell, RNNCell
from .tools import (count_params, gradcheck, probe_shape, probe_trace, receptive_field, run_shape, sgd_step,
                    trace_shapes)

__all__ = [
    # activations
    "ACTIVATIONS", "ACTIVATION_SPECS", "Activation", "identity", "identity_grad", "step",
    "step_grad", "sigmoid", "sigmoid_grad", "tanh", "tanh_grad", "hard_sigmoid",
    "hard_sigmoid_grad", "hard_tanh", "hard_tanh_grad", "relu", "relu_grad", "leaky_relu",
    "leaky_relu_grad", "prelu", "prelu_grad", "elu", "elu_grad", "softplus", "softplus_grad",
    "gelu", "gelu_grad", "erf", "softmax", "log_softmax", "softmax_backward",
    # losses
    "mse", "binary_cross_entropy", "softmax_cross_entropy", "cross_entropy", "nll_loss",
    # layers
    "Layer", "Dense", "Linear", "Conv2d", "ConvTranspose2d", "MaxPool2d", "AvgPool2d",
    "BatchNorm", "BatchNorm1d", "BatchNorm2d", "LayerNorm", "Dropout", "PReLU", "Softmax",
    "Flatten", "Sequential", "RNNCell", "LSTMCell", "GRUCell", "MultiHeadAttention",
    # functions
    "conv2d", "conv2d_backward", "conv_transpose2d", "conv_transpose2d_backward",
    "max_pool2d", "max_pool2d_backward", "avg_pool2d", "avg_pool2d_backward",
    "scaled_dot_product_attention", "scaled_dot_product_attention_backward", "causal_mask",
    "conv_output_size", "pool_output_size", "conv_transpose_output_size",
    # tools
    "gradcheck", "sgd_step", "count_params", "run_shape", "trace_shapes", "probe_shape", "probe_trace",
    "receptive_field",
]
