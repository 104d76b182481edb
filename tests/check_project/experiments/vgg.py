"""VGG family built from configuration lists, in the style of torchvision.models.vgg.

Channel widths are scaled down (16..128) so the models build instantly.
"""
from typing import Any, Dict, List, Union, cast

import torch
import torch.nn as nn

__all__ = ["VGG", "vgg11_small", "vgg11_bn_small", "vgg13_small"]


class VGG(nn.Module):
    def __init__(
        self,
        features: nn.Module,
        num_classes: int = 10,
        init_weights: bool = True,
        dropout: float = 0.5,
    ) -> None:
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(128 * 7 * 7, 256),  # expect: params=1605888
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(256, 256),  # expect: params=65792
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(256, num_classes),
        )
        if init_weights:
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    if m.bias is not None:
                        nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0, 0.01)
                    nn.init.constant_(m.bias, 0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        x = self.classifier(x)
        return x


def make_layers(cfg: List[Union[str, int]], batch_norm: bool = False) -> nn.Sequential:
    layers: List[nn.Module] = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers += [nn.MaxPool2d(kernel_size=2, stride=2)]
        else:
            v = cast(int, v)
            conv2d = nn.Conv2d(in_channels, v, kernel_size=3, padding=1)
            if batch_norm:
                layers += [conv2d, nn.BatchNorm2d(v), nn.ReLU(inplace=True)]
            else:
                layers += [conv2d, nn.ReLU(inplace=True)]
            in_channels = v
    return nn.Sequential(*layers)


cfgs: Dict[str, List[Union[str, int]]] = {
    "A": [16, "M", 32, "M", 64, 64, "M", 128, 128, "M", 128, 128, "M"],
    "B": [16, 16, "M", 32, 32, "M", 64, 64, "M", 128, 128, "M", 128, 128, "M"],
}


def _vgg(cfg: str, batch_norm: bool, **kwargs: Any) -> VGG:
    model = VGG(make_layers(cfgs[cfg], batch_norm=batch_norm), **kwargs)
    return model


# paramlint: input-shape=1,3,32,32
def vgg11_small(**kwargs):  # expect: total=2251370 trainable=2251370 non_trainable=0
    return VGG(make_layers(cfgs["A"]), **kwargs)


# paramlint: input-shape=1,3,32,32
def vgg11_bn_small(**kwargs):  # expect: total=2252746 trainable=2252746 non_trainable=0
    return VGG(make_layers(cfgs["A"], batch_norm=True), **kwargs)


# paramlint: input-shape=2,3,64,64
def vgg13_small(num_classes: int = 100, **kwargs: Any) -> VGG:  # expect: total=2286068 trainable=2286068 non_trainable=0
    return _vgg("B", False, num_classes=num_classes, **kwargs)


if __name__ == "__main__":
    for builder in (vgg11_small, vgg11_bn_small, vgg13_small):
        net = builder()
        print(builder.__name__, net(torch.randn(2, 3, 32, 32)).shape,
              sum(p.numel() for p in net.parameters()))
