"""The lab's evidence side: training, evaluation and dataset code of the `evidence` stage."""
