# hostile: unknown Rnn "repeated layers"
# hostile: unknown Enc "repeated layers"
# hostile: unknown Both "repeated layers"
# Catalog layers that build their sublayers from a count (3 GB and minutes before).
import torch.nn as nn


class Rnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(10, 10, num_layers=10**6, bidirectional=True)


class Enc(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2), num_layers=10**6)


class Both(nn.Module):
    def __init__(self):
        super().__init__()
        self.t = nn.Transformer(d_model=8, nhead=2, num_encoder_layers=10**5, num_decoder_layers=10**5)
