"""Analysis products built on the model: figures, data comparisons, sweeps and fits."""
