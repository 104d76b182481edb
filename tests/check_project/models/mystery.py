"""A model with a layer paramlint's catalog does not know. The name is made up, so it stays
unknown however the catalog grows: the figures that depend on it are reported as unknown,
never guessed."""
import torch.nn as nn


class Mystery(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 5)
        self.attn = nn.Sequential(nn.FancyAttention(8), nn.ReLU())

    def forward(self, x):
        return self.attn(self.conv(x))
