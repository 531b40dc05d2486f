"""The lab's verify side: training, evaluation and dataset code of the `verify` stage."""
