"""Persuasion techniques (SemEval-2020 task 11). So far: the PTC data reader and the task's scorers; the
span tagger and technique classifier (and with them the `persuasion` stage) are issue 5's remaining work."""
