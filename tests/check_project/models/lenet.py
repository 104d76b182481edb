"""LeNet-style CNN for 32x32 RGB images (CIFAR-10), as taught in the classic course.

Layer table as the PyTorch framework reports it (input 1x3x32x32):

    layer        output      activations  params
    conv1        8x28x28     6,272          608   = (5*5*3 + 1) * 8
    pool         8x14x14     1,568            0
    conv2        16x10x10    1,600        3,216   = (5*5*8 + 1) * 16
    pool         16x5x5        400            0
    fc1          120           120       48,120   = (400 + 1) * 120
    fc2          84             84       10,164   = (120 + 1) * 84
    fc3          10             10          850   = (84 + 1) * 10
    total                                62,958

NOTE: the course handout's table is wrong: it lists 208 / 416 / 48,001 /
10,081 / 841.  Its conv rows forget the input channels (5*5*8 + 8 = 208,
5*5*16 + 16 = 416) and its fully connected rows add one bias for the whole
layer instead of one per output unit (400*120 + 1 = 48,001, 120*84 + 1 =
10,081, 84*10 + 1 = 841).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


# paramlint: input-shape=1,3,32,32
class LeNet(nn.Module):  # expect: total=62958 trainable=62958 non_trainable=0
    def __init__(self, num_classes: int = 10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, kernel_size=5, stride=1)  # expect: params=608
        self.pool = nn.MaxPool2d(2, 2)  # expect: params=0
        self.conv2 = nn.Conv2d(8, 16, kernel_size=5)  # expect: params=3216
        self.fc1 = nn.Linear(16 * 5 * 5, 120)  # expect: params=48120
        self.fc2 = nn.Linear(120, 84)  # expect: params=10164
        self.fc3 = nn.Linear(84, num_classes)  # expect: params=850

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(x.size(0), -1)  # flatten all dimensions except batch
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return F.softmax(x, dim=1)


if __name__ == "__main__":
    net = LeNet()
    out = net(torch.randn(1, 3, 32, 32))
    print(out.shape)
    print(sum(p.numel() for p in net.parameters()))
