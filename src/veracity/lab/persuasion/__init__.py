"""The lab's persuasion side: training, evaluation and dataset code of the `persuasion` stage."""
