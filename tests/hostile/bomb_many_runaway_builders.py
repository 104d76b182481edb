# hostile: unknown spin "step limit"
# hostile: unknown M1 "max_file_steps"
# hostile: unknown M4 "max_file_steps"
# hostile: model Cheap total=6
import torch
import torch.nn as nn
def spin():
    n = 0
    for i in range(99999):
        for j in range(99999):
            n += 1
    return n


class M1(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(spin(), 2)


class M2(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(spin(), 2)


class M3(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(spin(), 2)


class M4(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(spin(), 2)


class M5(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(spin(), 2)


class M6(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(spin(), 2)


class Cheap(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 2)
