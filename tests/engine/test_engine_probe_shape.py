"""`probe_shape` / `probe_trace` (shapes measured on single-channel strips) give exactly the shape
of a full `run_shape` / `trace_shapes`, at a cost linear in the input side."""
import random
import time

import pytest

from quizcli.engine import (Activation, AvgPool2d, BatchNorm2d, Conv2d, ConvTranspose2d, Dense, Flatten, MaxPool2d,
                            count_params, probe_shape, probe_trace, run_shape, trace_shapes)


def _random_layer(rng, c):
    kind = rng.choice(("conv", "convT", "max", "avg"))
    k = rng.randint(1, 5)
    if kind == "conv":
        return Conv2d(c, rng.randint(1, 3), (k, rng.randint(1, 5)), stride=(rng.randint(1, 3), rng.randint(1, 3)),
                      padding=(rng.randint(0, 2), rng.randint(0, 2)), dilation=(rng.randint(1, 2), rng.randint(1, 2)))
    if kind == "convT":
        s = rng.randint(1, 3)
        return ConvTranspose2d(c, rng.randint(1, 3), k, stride=s, padding=rng.randint(0, 1),
                               output_padding=rng.randint(0, s - 1))
    cls = MaxPool2d if kind == "max" else AvgPool2d
    return cls(k, stride=rng.randint(1, 3), padding=rng.randint(0, k // 2), ceil_mode=rng.random() < 0.5)


def test_probe_shape_matches_a_full_run():
    rng = random.Random(0)
    checked = 0
    for _ in range(400):
        c = rng.randint(1, 3)
        layer = _random_layer(rng, c)
        shape = (1, c, rng.randint(1, 20), rng.randint(1, 20))
        try:
            full = run_shape(layer, shape)
        except ValueError:
            with pytest.raises(ValueError):
                probe_shape(layer, shape)
            continue
        assert probe_shape(layer, shape) == full, (layer, shape)
        checked += 1
    assert checked > 200


def test_probe_trace_matches_trace_shapes_through_mixed_layers():
    net = [Conv2d(3, 4, 3, padding=1), BatchNorm2d(4), Activation("relu"), MaxPool2d(2), Conv2d(4, 6, 5), Flatten(),
           Dense(6 * 4 * 4, 7)]
    assert probe_trace(net, (1, 3, 16, 16)) == [r["output_shape"] for r in trace_shapes(net, (1, 3, 16, 16))]
    with pytest.raises(ValueError):
        probe_trace([Conv2d(3, 4, 3)], (1, 5, 8, 8))  # wrong channel count


def test_probe_sizes_vgg16_quickly():
    from quizcli.generators._shared import shape_only_rng

    r = shape_only_rng()
    layers, c = [], 3
    for block in ((64, 64), (128, 128), (256,) * 3, (512,) * 3, (512,) * 3):
        for o in block:
            layers += [Conv2d(c, o, 3, padding=1, rng=r), Activation("relu")]
            c = o
        layers.append(MaxPool2d(2))
    layers += [Flatten(), Dense(25088, 4096, rng=r), Dense(4096, 4096, rng=r), Dense(4096, 1000, rng=r)]
    t = time.time()
    shapes = probe_trace(layers, (1, 3, 224, 224))
    assert shapes[-5] == (1, 512, 7, 7) and shapes[-1] == (1, 1000)
    assert count_params(layers) == 138_357_544  # Simonyan & Zisserman 2015, configuration D
    assert time.time() - t < 30  # generous: a full forward would need gigabytes


def test_probe_shape_of_a_huge_map_is_cheap():
    layer = Conv2d(1, 1, 11, stride=4, padding=2)
    assert probe_shape(layer, (1, 1, 4096, 4096)) == (1, 1, 1023, 1023)  # ⌊(4096 + 4 − 11)/4⌋ + 1
