#!/usr/bin/env python3
"""keras-hub model definitions (Keras 3 subclassed layers with ``build()``/``add_weight``,
functional backbones: BERT, GPT-2, Llama, Mistral, Gemma, RoBERTa, DistilBERT, ALBERT, T5, BART,
Whisper, ResNet, ViT, CSPNet, DenseNet, MobileNet, and a few task models on top of them) against
what Keras itself builds: ``model.count_params()`` and the trainable share.

    python bench/keras_hub_built.py --fetch    # the keras-hub wheel (pip download, no install);
                                               # its keras_hub/**/*.py into
                                               # bench/.cache/keras-hub-<version>/, plus the driver
                                               # package paramlint_drivers/ next to it
    python bench/keras_hub_built.py            # compare paramlint with the stored truth
    python bench/keras_hub_built.py --make     # (re)write bench/keras_hub_built_truth.json by
                                               # importing the fetched sources (needs keras; the
                                               # torch backend is used)
    python bench/keras_hub_built.py --strip-exports   # compare on a copy without the
                                               # ``@keras_hub_export(...)`` decorators
                                               # (bench/.cache/keras-hub-<version>-noexport/)

keras-hub's backbones take their whole configuration as required arguments (presets live on
Kaggle), so none of them is an entry point by itself. The drivers supply a small but realistic
configuration (the docstring examples, or the timm conversion's config for CSPDarkNet53 /
MobileNetV3-small / ResNet50 / DenseNet121), each a module-level function with no arguments
importing the concrete ``keras_hub.src.models.<x>.<x>_backbone`` module (not the lazy top-level
API). The task models (``*CausalLM``, ``*TextClassifier``, ``*ImageClassifier``, ``AlbertMaskedLM``)
are built on those backbones with ``preprocessor=None``. ``paramlint_drivers/layers.py`` wraps
single keras-hub layers (``TransformerEncoder``/``Decoder``, ``LlamaTransformerDecoder``,
``GemmaDecoderBlock``, ``ViTEncoder``, ``T5TransformerLayer``, ``MaskedLMHead``, the position
embeddings, ...) in a one-layer functional ``keras.Model``, so their ``build()``/``add_weight``
code is measured even where a backbone stops at an earlier unknown. The keras-hub sources are the
wheel's, unchanged, with the package layout kept: the drivers' ``import keras_hub.src...`` reaches
a sibling package under the same root, which paramlint analyzes as project files (the unresolved
locations it reports are in ``keras_hub/src/...``). keras-hub is never installed.

How the truth is made (``--make``): with ``KERAS_BACKEND=torch``, the fetched tree is put first
on ``sys.path`` and each driver is called; the model is counted with ``model.count_params()``
(which includes non-trainable weights: BatchNormalization's moving statistics) and the trainable
share is the size of ``model.trainable_weights``. Importing the model modules needs keras-hub's
pure-Python dependencies ``regex``, ``absl-py``, ``packaging``, ``rich``, ``numpy`` (ordinary
pip packages in the venv); ``kagglehub``, ``sentencepiece``, ``tokenizers`` and ``tensorflow-text``
are imported lazily or guarded by keras-hub and are not needed, so nothing is stubbed. The
function key is ``paramlint_drivers.<module>:<driver>``, as paramlint names the entry point.

``--strip-exports``: every keras-hub class carries ``@keras_hub_export("keras_hub.models...")``,
an *instance* of a class with ``__call__`` (``keras_hub/src/api_export.py``; it only registers the
name for serialization and returns the class unchanged). paramlint 0.x reports such a decorator as
"decorator is not callable", which makes every model unknown before anything else is looked at.
To measure what lies behind that first blocker, this mode compares on a copy of the tree with
those decorators dropped (as ``keras_apps.py`` drops ``@keras_export``); the truth is the same,
since the decorator changes no weight.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the shared corpus helpers
import corpus  # noqa: E402

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CACHE = BENCH / ".cache"
TRUTH = BENCH / "keras_hub_built_truth.json"
VERSION = "0.32.0"
DRIVERS = "paramlint_drivers"


def tree(version: str = VERSION) -> Path:
    """The directory holding the extracted ``keras_hub`` package and the drivers."""
    return CACHE / f"keras-hub-{version}"


# ---- the drivers: one no-argument function per model -----------------------------------------

_TEXT = '''\
from keras_hub.src.models.albert.albert_backbone import AlbertBackbone
from keras_hub.src.models.bart.bart_backbone import BartBackbone
from keras_hub.src.models.bert.bert_backbone import BertBackbone
from keras_hub.src.models.distil_bert.distil_bert_backbone import DistilBertBackbone
from keras_hub.src.models.gemma.gemma_backbone import GemmaBackbone
from keras_hub.src.models.gpt2.gpt2_backbone import GPT2Backbone
from keras_hub.src.models.llama.llama_backbone import LlamaBackbone
from keras_hub.src.models.mistral.mistral_backbone import MistralBackbone
from keras_hub.src.models.roberta.roberta_backbone import RobertaBackbone
from keras_hub.src.models.t5.t5_backbone import T5Backbone
from keras_hub.src.models.whisper.whisper_backbone import WhisperBackbone


def bert_tiny():
    return BertBackbone(vocabulary_size=1000, num_layers=2, num_heads=2, hidden_dim=64, intermediate_dim=128)


def gpt2_tiny():
    return GPT2Backbone(vocabulary_size=1000, num_layers=2, num_heads=2, hidden_dim=64, intermediate_dim=256,
                        max_sequence_length=128)


def roberta_tiny():
    return RobertaBackbone(vocabulary_size=1000, num_layers=2, num_heads=2, hidden_dim=64, intermediate_dim=128,
                           max_sequence_length=128)


def distil_bert_tiny():
    return DistilBertBackbone(vocabulary_size=1000, num_layers=2, num_heads=2, hidden_dim=64, intermediate_dim=128,
                              max_sequence_length=128)


def albert_tiny():
    # ALBERT shares its transformer layers: 4 layers in 2 groups, each group's layers reused
    return AlbertBackbone(vocabulary_size=1000, num_layers=4, num_heads=2, embedding_dim=32, hidden_dim=64,
                          intermediate_dim=128, num_groups=2, num_inner_repetitions=1)


def llama_tiny():
    return LlamaBackbone(vocabulary_size=1000, num_layers=2, num_query_heads=4, num_key_value_heads=2,
                         hidden_dim=64, intermediate_dim=128)


def mistral_tiny():
    return MistralBackbone(vocabulary_size=1000, num_layers=2, num_query_heads=4, num_key_value_heads=2,
                           hidden_dim=64, intermediate_dim=128, sliding_window=64)


def gemma_tiny():
    return GemmaBackbone(vocabulary_size=1000, num_layers=2, num_query_heads=4, num_key_value_heads=1,
                         hidden_dim=64, intermediate_dim=128, head_dim=16)


def t5_tiny():
    return T5Backbone(vocabulary_size=1000, num_layers=2, num_heads=2, hidden_dim=64, intermediate_dim=128)


def bart_tiny():
    return BartBackbone(vocabulary_size=1000, num_layers=2, num_heads=2, hidden_dim=64, intermediate_dim=128,
                        max_sequence_length=128)


def whisper_tiny():
    return WhisperBackbone(vocabulary_size=1000, num_layers=2, num_heads=2, hidden_dim=64, intermediate_dim=128,
                           max_encoder_sequence_length=3000, max_decoder_sequence_length=64)
'''

_VISION = '''\
from keras_hub.src.models.cspnet.cspnet_backbone import CSPNetBackbone
from keras_hub.src.models.densenet.densenet_backbone import DenseNetBackbone
from keras_hub.src.models.mobilenet.mobilenet_backbone import MobileNetBackbone
from keras_hub.src.models.resnet.resnet_backbone import ResNetBackbone
from keras_hub.src.models.vit.vit_backbone import ViTBackbone


def resnet18_v2():
    # the ResNetBackbone docstring's example
    return ResNetBackbone(input_conv_filters=[64], input_conv_kernel_sizes=[7], stackwise_num_filters=[64, 64, 64],
                          stackwise_num_blocks=[2, 2, 2], stackwise_num_strides=[1, 2, 2], block_type="basic_block",
                          use_pre_activation=True)


def resnet50():
    return ResNetBackbone(input_conv_filters=[64], input_conv_kernel_sizes=[7],
                          stackwise_num_filters=[64, 128, 256, 512], stackwise_num_blocks=[3, 4, 6, 3],
                          stackwise_num_strides=[1, 2, 2, 2], block_type="bottleneck_block",
                          image_shape=(224, 224, 3))


def vit_tiny():
    return ViTBackbone(image_shape=(224, 224, 3), patch_size=16, num_layers=2, num_heads=2, hidden_dim=64,
                       mlp_dim=128)


def cspdarknet53():
    # keras_hub/src/utils/timm/convert_cspnet.py, "cspdarknet53"
    return CSPNetBackbone(stem_filters=32, stem_kernel_size=3, stem_strides=1, stackwise_depth=[1, 2, 8, 8, 4],
                          stackwise_strides=[2, 2, 2, 2, 2], stackwise_num_filters=[64, 128, 256, 512, 1024],
                          block_type="dark_block", groups=1, stage_type="csp", bottle_ratio=(0.5, 1.0),
                          block_ratio=(1.0, 0.5), expand_ratio=(2.0, 1.0), stem_padding="same", stem_pooling=None,
                          avg_down=False, down_growth=True, cross_linear=False, image_shape=(224, 224, 3))


def densenet121():
    return DenseNetBackbone(stackwise_num_repeats=[6, 12, 24, 16], image_shape=(224, 224, 3))


def mobilenetv3_small_050():
    # keras_hub/src/utils/timm/convert_mobilenet.py, "mobilenetv3_small_050"
    return MobileNetBackbone(
        stackwise_num_blocks=[2, 3, 2, 3],
        stackwise_expansion=[[40, 56], [64, 144, 144], [72, 72], [144, 288, 288]],
        stackwise_num_filters=[[16, 16], [24, 24, 24], [24, 24], [48, 48, 48]],
        stackwise_kernel_size=[[3, 3], [5, 5, 5], [5, 5], [5, 5, 5]],
        stackwise_num_strides=[[2, 1], [2, 1, 1], [1, 1], [2, 1, 1]],
        stackwise_se_ratio=[[None, None], [0.25, 0.25, 0.25], [0.25, 0.25], [0.25, 0.25, 0.25]],
        stackwise_activation=[["relu", "relu"], ["hard_swish", "hard_swish", "hard_swish"],
                              ["hard_swish", "hard_swish"], ["hard_swish", "hard_swish", "hard_swish"]],
        stackwise_padding=[[1, 1], [2, 2, 2], [2, 2], [2, 2, 2]],
        output_num_filters=1024,
        input_num_filters=16,
        depthwise_filters=8,
        depthwise_stride=2,
        depthwise_residual=False,
        squeeze_and_excite=0.5,
        last_layer_filter=288,
        input_activation="hard_swish",
        output_activation="hard_swish",
        image_shape=(224, 224, 3),
    )
'''

_TASKS = '''\
from keras_hub.src.models.albert.albert_masked_lm import AlbertMaskedLM
from keras_hub.src.models.bert.bert_text_classifier import BertTextClassifier
from keras_hub.src.models.gpt2.gpt2_causal_lm import GPT2CausalLM
from keras_hub.src.models.llama.llama_causal_lm import LlamaCausalLM
from keras_hub.src.models.resnet.resnet_image_classifier import ResNetImageClassifier
from keras_hub.src.models.vit.vit_image_classifier import ViTImageClassifier

from .text import albert_tiny, bert_tiny, gpt2_tiny, llama_tiny
from .vision import resnet18_v2, vit_tiny


def gpt2_causal_lm():
    return GPT2CausalLM(backbone=gpt2_tiny(), preprocessor=None)


def llama_causal_lm():
    return LlamaCausalLM(backbone=llama_tiny(), preprocessor=None)


def bert_text_classifier():
    return BertTextClassifier(backbone=bert_tiny(), num_classes=3, preprocessor=None)


def albert_masked_lm():
    return AlbertMaskedLM(backbone=albert_tiny(), preprocessor=None)


def resnet_image_classifier():
    return ResNetImageClassifier(backbone=resnet18_v2(), num_classes=10)


def vit_image_classifier():
    return ViTImageClassifier(backbone=vit_tiny(), num_classes=10)
'''

_LAYERS = '''\
import keras

from keras_hub.src.layers.modeling.f_net_encoder import FNetEncoder
from keras_hub.src.layers.modeling.masked_lm_head import MaskedLMHead
from keras_hub.src.layers.modeling.position_embedding import PositionEmbedding
from keras_hub.src.layers.modeling.reversible_embedding import ReversibleEmbedding
from keras_hub.src.layers.modeling.rms_normalization import RMSNormalization
from keras_hub.src.layers.modeling.token_and_position_embedding import TokenAndPositionEmbedding
from keras_hub.src.layers.modeling.transformer_decoder import TransformerDecoder
from keras_hub.src.layers.modeling.transformer_encoder import TransformerEncoder
from keras_hub.src.models.gemma.gemma_decoder_block import GemmaDecoderBlock
from keras_hub.src.models.llama.llama_decoder import LlamaTransformerDecoder
from keras_hub.src.models.mistral.mistral_transformer_decoder import MistralTransformerDecoder
from keras_hub.src.models.t5.t5_layer_norm import T5LayerNorm
from keras_hub.src.models.t5.t5_transformer_layer import T5TransformerLayer
from keras_hub.src.models.vit.vit_layers import ViTEncoder, ViTEncoderBlock, ViTPatchingAndEmbedding


def _seq(layer, dim=64, length=16):
    inputs = keras.Input(shape=(length, dim))
    return keras.Model(inputs, layer(inputs))


def transformer_encoder():
    return _seq(TransformerEncoder(intermediate_dim=128, num_heads=2))


def transformer_encoder_norm_first():
    return _seq(TransformerEncoder(intermediate_dim=128, num_heads=2, normalize_first=True))


def transformer_decoder():
    return _seq(TransformerDecoder(intermediate_dim=128, num_heads=2))


def transformer_cross_decoder():
    dec = keras.Input(shape=(16, 64))
    enc = keras.Input(shape=(24, 64))
    return keras.Model([dec, enc], TransformerDecoder(intermediate_dim=128, num_heads=2)(dec, enc))


def f_net_encoder():
    return _seq(FNetEncoder(intermediate_dim=128))


def rms_norm():
    return _seq(RMSNormalization(input_dim=64))


def t5_layer_norm():
    return _seq(T5LayerNorm())


def position_embedding():
    inputs = keras.Input(shape=(16, 64))
    return keras.Model(inputs, inputs + PositionEmbedding(sequence_length=32)(inputs))


def reversible_embedding():
    inputs = keras.Input(shape=(16,), dtype="int32")
    return keras.Model(inputs, ReversibleEmbedding(1000, 64, tie_weights=False)(inputs))


def token_and_position_embedding():
    inputs = keras.Input(shape=(16,), dtype="int32")
    return keras.Model(inputs, TokenAndPositionEmbedding(vocabulary_size=1000, sequence_length=32,
                                                         embedding_dim=64)(inputs))


def masked_lm_head():
    x = keras.Input(shape=(16, 64))
    positions = keras.Input(shape=(4,), dtype="int32")
    head = MaskedLMHead(vocabulary_size=1000, activation="softmax")
    return keras.Model([x, positions], head(x, mask_positions=positions))


def llama_decoder_layer():
    return _seq(LlamaTransformerDecoder(intermediate_dim=128, num_query_heads=4, num_key_value_heads=2))


def mistral_decoder_layer():
    return _seq(MistralTransformerDecoder(intermediate_dim=128, num_query_heads=4, num_key_value_heads=2))


def gemma_decoder_block():
    return _seq(GemmaDecoderBlock(hidden_dim=64, intermediate_dim=128, head_dim=16, num_query_heads=4,
                                  num_key_value_heads=1))


def vit_encoder_block():
    return _seq(ViTEncoderBlock(num_heads=2, hidden_dim=64, mlp_dim=128))


def vit_encoder():
    return _seq(ViTEncoder(num_layers=2, num_heads=2, hidden_dim=64, mlp_dim=128))


def vit_patching_and_embedding():
    inputs = keras.Input(shape=(32, 32, 3))
    return keras.Model(inputs, ViTPatchingAndEmbedding(image_size=(32, 32), patch_size=(8, 8), hidden_dim=64)(inputs))


def t5_transformer_layer():
    inputs = keras.Input(shape=(16, 64))
    layer = T5TransformerLayer(is_decoder=False, hidden_dim=64, intermediate_dim=128, key_value_dim=32, dropout=0.0,
                               activation="relu", layer_norm_epsilon=1e-6, num_heads=2,
                               use_relative_attention_bias=True)
    out = layer(inputs)
    return keras.Model(inputs, out[0] if isinstance(out, tuple) else out)
'''

DRIVER_MODULES: dict[str, str] = {"text": _TEXT, "vision": _VISION, "tasks": _TASKS, "layers": _LAYERS}


def driver_names() -> dict[str, list]:
    """``module -> [driver function, ...]`` in the driver sources above."""
    import ast

    return {m: [f.name for f in ast.parse(text).body if isinstance(f, ast.FunctionDef) and not f.name.startswith("_")]
            for m, text in DRIVER_MODULES.items()}


# ---- fetching: the wheel's Python sources and the drivers ------------------------------------

def fetch(version: str = VERSION) -> Path:
    """Download the keras-hub wheel (no deps, no install), extract keras_hub/**/*.py only, and
    write the drivers."""
    out = corpus.extract_py(corpus.wheel("keras-hub", version), "keras_hub", tree(version))
    drivers = out / DRIVERS
    drivers.mkdir(parents=True, exist_ok=True)
    (drivers / "__init__.py").write_text("")
    for module, text in DRIVER_MODULES.items():
        (drivers / f"{module}.py").write_text(text)
    return out


def strip_exports(version: str = VERSION) -> Path:
    """A copy of the fetched tree with the ``@keras_hub_export(...)`` decorators dropped."""
    import shutil

    import libcst as cst

    class Strip(cst.CSTTransformer):
        def leave_ClassDef(self, node: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
            return updated.with_changes(decorators=[d for d in updated.decorators if not _is_export(d)])

        leave_FunctionDef = leave_ClassDef  # type: ignore[assignment]

    src, out = tree(version), CACHE / f"keras-hub-{version}-noexport"
    if out.exists():
        shutil.rmtree(out)
    for f in src.rglob("*.py"):
        dest = out / f.relative_to(src)
        dest.parent.mkdir(parents=True, exist_ok=True)
        text = f.read_text()
        dest.write_text(cst.parse_module(text).visit(Strip()).code if "keras_hub_export" in text else text)
    return out


def _is_export(d: object) -> bool:
    import libcst as cst

    e = d.decorator  # type: ignore[attr-defined]
    f = e.func if isinstance(e, cst.Call) else e
    return isinstance(f, cst.Name) and f.value == "keras_hub_export"


# ---- the truth: Keras builds each driver ------------------------------------------------------

def make(version: str = VERSION) -> dict:
    os.environ["KERAS_BACKEND"] = "torch"
    import importlib
    import warnings

    warnings.filterwarnings("ignore")
    src = tree(version)
    sys.path.insert(0, str(src))
    import keras
    import keras_hub  # type: ignore[import-not-found]  # the fetched sources, not installed

    assert Path(keras_hub.__file__).resolve().is_relative_to(src.resolve()), keras_hub.__file__
    rows = {}
    for module, names in driver_names().items():
        mod = importlib.import_module(f"{DRIVERS}.{module}")
        for name in names:
            model = getattr(mod, name)()
            trainable = sum(int(w.numpy().size) if hasattr(w, "numpy") else int(w.size)
                            for w in model.trainable_weights)
            key = f"{module}:{name}"
            rows[key] = {"function": f"{DRIVERS}.{module}:{name}", "class": type(model).__name__,
                         "total": int(model.count_params()), "trainable": trainable}
            print(f"{key:36s} {rows[key]['total']:>14,} {trainable:>14,}", file=sys.stderr)
            del model
            keras.backend.clear_session()
    return {"produced_by": f"keras-hub {version} (wheel sources), keras {keras.__version__} "
            f"({keras.backend.backend()} backend): model.count_params(), size of model.trainable_weights",
            "keras_hub": version, "keras": keras.__version__, "builders": rows}


# ---- comparing --------------------------------------------------------------------------------

def compare(src: Path, truth: dict) -> dict:
    """paramlint's figures for every driver: exact / unknown / WRONG / missing."""
    return corpus.rows(corpus.paramlint_models([src / DRIVERS], src), truth["builders"])


def main() -> int:
    def run(args: Any, truth: dict) -> int:
        src = tree(truth["keras_hub"])
        if not (src / "keras_hub" / "src" / "models").is_dir() or not (src / DRIVERS).is_dir():
            print("no keras-hub sources: python bench/keras_hub_built.py --fetch")
            return 2
        if args.strip_exports:
            src = strip_exports(truth["keras_hub"])
        return corpus.print_rows(compare(src, truth), 36)
    return corpus.cli(__doc__, TRUTH, fetch, make, run, lambda ap: ap.add_argument("--strip-exports", action="store_true"))


if __name__ == "__main__":
    sys.exit(main())
