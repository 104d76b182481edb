"""The course network again, with every budget finding silenced inline."""
import torch.nn as nn
import torch.nn.functional as F


# paramlint: input-shape=1,3,32,32
# paramlint: ignore[PRM201]
class QuietLeNet(nn.Module):  # expect: total=62958 trainable=62958 non_trainable=0
    def __init__(self, num_classes: int = 10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, kernel_size=5, stride=1)  # noqa: PRM102
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(8, 16, kernel_size=5)
        # paramlint: ignore[layer-params-over-budget]
        self.fc1 = nn.Linear(16 * 5 * 5, 120)  # expect: params=48120
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(x.size(0), -1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)
