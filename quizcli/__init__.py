"""quizcli: offline bilingual exam prep for Neural Networks and Deep Learning."""

__version__ = "0.1.0"
