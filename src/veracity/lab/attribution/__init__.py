"""The lab's attribution side: training, evaluation and dataset code of the `attribution` stage."""
