"""paramlint's model of Lightning's ``LightningModule`` (``lightning.pytorch`` and
``pytorch_lightning`` 2.6; each loads this file as its own module, as the two packages hold two
distinct classes). A LightningModule is an ``nn.Module`` with no parameters of its own; kept
here is what decides what a subclass builds: ``save_hyperparameters()`` reading the arguments
of the ``__init__`` frames that called it into ``hparams`` (``_paramlint_init_args`` walks the
frames as Lightning's ``collect_init_args`` does), ``example_input_array`` (the input
Lightning's ModelSummary runs the model on), ``device``/``dtype``, and ``trainer``/
``current_epoch``/``global_step`` without a Trainer attached. Written as Lightning 2.6 has it;
logging, hooks and checkpointing are left out (they run in training, not at construction)."""

from argparse import Namespace

import torch
from torch import nn


class AttributeDict:
    """Lightning's dict whose keys are also attributes. A mapping here, not a dict subclass
    (which paramlint does not model): ``isinstance(hp, dict)`` is False on it."""

    def __init__(self, *args, **kwargs):
        object.__setattr__(self, "_data", {})
        self.update(*args, **kwargs)

    def __getattr__(self, key):
        try:
            return self._data[key]
        except KeyError:
            raise AttributeError(f"'AttributeDict' object has no attribute '{key}'")

    def __setattr__(self, key, val):
        self._data[key] = val

    def __delattr__(self, item):
        if item not in self._data:
            raise KeyError(item)
        del self._data[item]

    def __getitem__(self, key):
        return self._data[key]

    def __setitem__(self, key, val):
        self._data[key] = val

    def __delitem__(self, key):
        del self._data[key]

    def __contains__(self, key):
        return key in self._data

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)

    def keys(self):
        return self._data.keys()

    def values(self):
        return self._data.values()

    def items(self):
        return self._data.items()

    def get(self, key, default=None):
        return self._data.get(key, default)

    def pop(self, key, *default):
        return self._data.pop(key, *default)

    def setdefault(self, key, default=None):
        return self._data.setdefault(key, default)

    def update(self, *args, **kwargs):
        for other in args:
            if isinstance(other, AttributeDict):
                other = other._data
            self._data.update(other)
        self._data.update(kwargs)

    def copy(self):
        return AttributeDict(self._data)


def _to_hparams_dict(hp):
    if isinstance(hp, (dict, AttributeDict)):  # (a dict is no Namespace: asked first here)
        return AttributeDict(hp)
    if isinstance(hp, (bool, int, float, str)):
        raise ValueError(f"Primitives {(bool, int, float, str)} are not allowed.")
    if isinstance(hp, Namespace):
        return AttributeDict(vars(hp))
    raise NotImplementedError("save_hyperparameters() of an OmegaConf config or another mapping is not modelled")


class LightningModule(nn.Module):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._log_hyperparams = False
        self._dtype = torch.float32
        self._trainer = None
        self._example_input_array = None
        self._automatic_optimization = True
        self._strict_loading = None
        self._fabric = None
        self._device_mesh = None

    @property
    def example_input_array(self):
        return self._example_input_array

    @example_input_array.setter
    def example_input_array(self, example):
        self._example_input_array = example

    @property
    def device(self):
        return torch.device("cpu")  # (not kept as an attribute: an unmodelled value there would make the module unknown)

    @property
    def dtype(self):
        return self._dtype

    @property
    def trainer(self):
        if self._trainer is None:
            raise RuntimeError(f"{self.__class__.__qualname__} is not attached to a `Trainer`.")
        return self._trainer

    @property
    def current_epoch(self):
        return 0

    @property
    def global_step(self):
        return 0

    @property
    def global_rank(self):
        return 0

    @property
    def local_rank(self):
        return 0

    @property
    def on_gpu(self):
        return False

    @property
    def logger(self):
        return None

    @property
    def loggers(self):
        return []

    @property
    def automatic_optimization(self):
        return self._automatic_optimization

    @automatic_optimization.setter
    def automatic_optimization(self, automatic_optimization):
        self._automatic_optimization = automatic_optimization

    @property
    def strict_loading(self):
        return self._strict_loading in (None, True)

    @strict_loading.setter
    def strict_loading(self, strict_loading):
        self._strict_loading = strict_loading

    @property
    def hparams(self):
        if not hasattr(self, "_hparams"):
            self._hparams = AttributeDict()
        return self._hparams

    @property
    def hparams_initial(self):
        if not hasattr(self, "_hparams_initial"):
            return AttributeDict()
        return AttributeDict(self._hparams_initial)

    def save_hyperparameters(self, *args, ignore=None, frame=None, logger=True):
        self._log_hyperparams = logger
        if frame is not None:
            raise NotImplementedError("save_hyperparameters(frame=...) is not modelled")
        if len(args) == 1 and not args[0]:
            return
        init_args = {}
        for local_args in _paramlint_init_args(LightningModule):  # noqa: F821 (given by paramlint)
            init_args.update(local_args)
        if ignore is None:
            ignore = []
        elif isinstance(ignore, str):
            ignore = [ignore]
        elif isinstance(ignore, (list, tuple)):
            ignore = [arg for arg in ignore if isinstance(arg, str)]
        init_args = {k: v for k, v in init_args.items() if k not in ignore}
        if not args:
            hp = init_args
        else:
            isx_non_str = [i for i, arg in enumerate(args) if not isinstance(arg, str)]
            if len(isx_non_str) == 1:
                hp = args[isx_non_str[0]]
            else:
                hp = {arg: init_args[arg] for arg in args if isinstance(arg, str)}
        self._set_hparams(hp)
        for key in ignore:
            self._hparams.pop(key, None)
        self._hparams_initial = AttributeDict(self._hparams)

    def _set_hparams(self, hp):
        hp = _to_hparams_dict(hp)
        self.hparams.update(hp)
