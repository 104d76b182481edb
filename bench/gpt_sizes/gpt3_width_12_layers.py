"""GPT-2 small's depth at GPT-3 175B's width: 12 layers, 96 heads, d_model 12288, context 2048.
Same code as gpt2_small.py and gpt3_175b.py. With it the benchmark separates the two ways a model
grows: parameter size at a fixed layer count (this file against GPT-2 small: the time should not
move) and layer count (GPT-3 has 8x the blocks of this file: paramlint evaluates each block).

The expected figures are torch's (2.13.0), from the model built on the meta device (no memory):
``with torch.device("meta"): sum(p.numel() for p in GPT(config).parameters())``.
"""
from model import GPT, GPTConfig

config = GPTConfig(block_size=2048, vocab_size=50257, n_layer=12, n_head=96, n_embd=12288, dropout=0.0, bias=True)


# paramlint: input-shape=1,2048 input-dtype=int64
def gpt3_width_12_layers():  # expect: total=22387937280 trainable=22387937280 non_trainable=0
    return GPT(config)
