# hostile: unknown Deep "storage size"
# hostile: unknown Wide "storage size"
# hostile: unknown Huge "storage size"
# torch raises past an int64 storage size, even on the meta device ("Storage size calculation
# overflowed"); a total was given (and a 302-digit one made an internal error).
import torch
import torch.nn as nn


class Deep(nn.Module):
    def __init__(self):
        super().__init__()
        self.p = nn.Parameter(torch.randn(*[2] * 100000))


class Wide(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3 * 10**9, 10**9)


class Huge(nn.Module):
    def __init__(self):
        super().__init__()
        self.p = nn.Parameter(torch.zeros(2**40, 2**40))
