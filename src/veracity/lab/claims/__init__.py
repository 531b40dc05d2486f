"""The lab's claims side: training, evaluation and dataset code of the `claims` stage."""
