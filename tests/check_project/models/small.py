"""The network, assembled from project_pkg.blocks (a cross-file import)."""
import torch
import torch.nn as nn

from .blocks import ConvBlock, classifier_head


class SmallNet(nn.Module):  # expect: total=28506 trainable=28506 non_trainable=0
    def __init__(self, in_channels: int = 3, num_classes: int = 10, width: int = 16):
        super().__init__()
        self.stem = ConvBlock(in_channels, width)
        self.stage1 = ConvBlock(width, width * 2, pool=True)
        self.stage2 = ConvBlock(width * 2, width * 4, pool=True)
        self.gap = nn.AdaptiveAvgPool2d(1)  # expect: params=0
        self.head = classifier_head(width * 4, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stem(x)
        x = self.stage1(x)
        x = self.stage2(x)
        return self.head(self.gap(x))
