#!/usr/bin/env python3
"""Hugging Face transformers' model definitions (BERT, GPT-2, Llama, Mistral, T5, ViT, RoBERTa,
DistilBERT, BART, Whisper, CLIP, Qwen2, Gemma, MobileBERT, ConvNeXt, ResNet, Swin), with base
models and their heads (``*ForCausalLM``, ``*ForMaskedLM``, ``*ForConditionalGeneration``,
``*ForSequenceClassification``, ``*ForImageClassification``; word embeddings tied and untied),
against what transformers itself builds: total and trainable parameters.

    python bench/transformers_built.py --fetch    # the transformers wheel (pip download, no
                                                  # install); its transformers/**/*.py into
                                                  # bench/.cache/transformers-<version>/, and the
                                                  # driver modules beside it (paramlint_drivers/)
    python bench/transformers_built.py            # compare paramlint with the stored truth
    python bench/transformers_built.py llama t5   # only those driver modules (a full run is slow,
                                                  # see below)
    python bench/transformers_built.py --make     # (re)write bench/transformers_built_truth.json
                                                  # by importing the fetched sources; needs torch

The sources are the wheel's, unchanged, with the package layout kept (relative imports resolve);
transformers is never installed. The entry points are the functions of small driver modules
written by ``--fetch`` into ``bench/.cache/transformers-<version>/paramlint_drivers/``, a package
beside ``transformers/`` so that both share one import root and paramlint analyzes transformers
as project files. Each driver imports a model and its config from the concrete modules
(``transformers.models.bert.modeling_bert``, ``...configuration_bert``), never from the lazy
top-level ``transformers``, and returns ``Model(Config(...))``: the config's defaults where the
model is base-sized, a small but realistic config (2 layers, hidden 256, GQA, vocabulary 1000)
for the multi-billion decoders, plus one default-sized Llama (7B). The builder key is
``paramlint_drivers.<module>:<function>``, as paramlint names the entry point.

How the truth is made (``--make``): the fetched sources are imported under the torch installed
here, with transformers' pure-Python dependencies installed in the same environment
(``huggingface_hub``, ``tokenizers``, ``safetensors``, ``regex``, ``pyyaml``, ``packaging``,
``numpy``, ``tqdm``, ``typer``; no stub). Each driver function is called on the meta device
(``with torch.device("meta")``) and must return an ``nn.Module``; it is counted as
``sum(p.numel() for p in model.parameters())`` (``parameters()`` yields a tied parameter once;
trainable: those with ``requires_grad``). No ``TRANSFORMERS_*``/``HF_*`` variable is set.

Cost: every package ``__init__`` of transformers is ``if TYPE_CHECKING: from .x import * else:
sys.modules[__name__] = _LazyModule(...)``. paramlint takes the ``TYPE_CHECKING`` branch with its
star imports deferred to the first read of a missing name (``paramlint/evaluate/lazy_modules.py``),
as the lazy module does at run time, so reaching ``transformers/models/__init__.py`` no longer
evaluates its ~550 model packages: the GPT-2 and Llama drivers take about 12 s together.
Status (5.23.0): none exact, none wrong; every builder is "missing" from the report: the model
classes' bases do not resolve (``@auto_docstring`` copies ``__init__`` with
``types.FunctionType(f.__code__, ...)`` in ``utils/doc.py``'s ``copy_func``, not modelled), so
what a builder returns is not known to be a model and is left out. Past the lazy modules,
``@strict`` and the class introspection of ``PreTrainedModel.__init_subclass__``.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the shared corpus helpers
import corpus  # noqa: E402

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CACHE = BENCH / ".cache"
TRUTH = BENCH / "transformers_built_truth.json"
VERSION = "5.23.0"
DRIVERS = "paramlint_drivers"

# A small decoder config: 2 layers, hidden 256, 4 heads of which 2 key/value heads, vocabulary 1000.
_SMALL = "num_hidden_layers=2, hidden_size=256, intermediate_size=512, num_attention_heads=4, num_key_value_heads=2, vocab_size=1000"

# module -> (imports, [(function, body expression)])
DRIVER_SPECS = {
    "bert": (
        ("from transformers.models.bert.configuration_bert import BertConfig\n"
        "from transformers.models.bert.modeling_bert import BertForMaskedLM, BertForSequenceClassification, BertLMHeadModel, BertModel\n"),
        [("bert_base", "BertModel(BertConfig())"),
         ("bert_base_no_pooler", "BertModel(BertConfig(), add_pooling_layer=False)"),
         ("bert_mlm", "BertForMaskedLM(BertConfig())"),
         ("bert_mlm_untied", "BertForMaskedLM(BertConfig(tie_word_embeddings=False))"),
         ("bert_lm_head", "BertLMHeadModel(BertConfig(is_decoder=True))"),
         ("bert_seq_cls", "BertForSequenceClassification(BertConfig(num_labels=3))")]),
    "gpt2": (
        ("from transformers.models.gpt2.configuration_gpt2 import GPT2Config\n"
        "from transformers.models.gpt2.modeling_gpt2 import GPT2DoubleHeadsModel, GPT2ForSequenceClassification, GPT2LMHeadModel, GPT2Model\n"),
        [("gpt2_base", "GPT2Model(GPT2Config())"),
         ("gpt2_lm", "GPT2LMHeadModel(GPT2Config())"),
         ("gpt2_lm_untied", "GPT2LMHeadModel(GPT2Config(tie_word_embeddings=False))"),
         ("gpt2_double_heads", "GPT2DoubleHeadsModel(GPT2Config())"),
         ("gpt2_seq_cls", "GPT2ForSequenceClassification(GPT2Config(n_layer=2))")]),
    "llama": (
        ("from transformers.models.llama.configuration_llama import LlamaConfig\n"
        "from transformers.models.llama.modeling_llama import LlamaForCausalLM, LlamaForSequenceClassification, LlamaModel\n"),
        [("llama_small", f"LlamaModel(LlamaConfig({_SMALL}))"),
         ("llama_7b", "LlamaModel(LlamaConfig())"),
         ("llama_small_lm", f"LlamaForCausalLM(LlamaConfig({_SMALL}))"),
         ("llama_small_lm_tied", f"LlamaForCausalLM(LlamaConfig({_SMALL}, tie_word_embeddings=True))"),
         ("llama_small_seq_cls", f"LlamaForSequenceClassification(LlamaConfig({_SMALL}, num_labels=5))"),
         ("llama_small_mlp_bias", f"LlamaModel(LlamaConfig({_SMALL}, mlp_bias=True, attention_bias=True))")]),
    "mistral": (
        ("from transformers.models.mistral.configuration_mistral import MistralConfig\n"
        "from transformers.models.mistral.modeling_mistral import MistralForCausalLM, MistralForSequenceClassification, MistralModel\n"),
        [("mistral_small", f"MistralModel(MistralConfig({_SMALL}))"),
         ("mistral_small_lm", f"MistralForCausalLM(MistralConfig({_SMALL}))"),
         ("mistral_small_seq_cls", f"MistralForSequenceClassification(MistralConfig({_SMALL}))")]),
    "qwen2": (
        ("from transformers.models.qwen2.configuration_qwen2 import Qwen2Config\n"
        "from transformers.models.qwen2.modeling_qwen2 import Qwen2ForCausalLM, Qwen2Model\n"),
        [("qwen2_small", f"Qwen2Model(Qwen2Config({_SMALL}))"),
         ("qwen2_small_lm", f"Qwen2ForCausalLM(Qwen2Config({_SMALL}))"),
         ("qwen2_small_lm_tied", f"Qwen2ForCausalLM(Qwen2Config({_SMALL}, tie_word_embeddings=True))")]),
    "gemma": (
        ("from transformers.models.gemma.configuration_gemma import GemmaConfig\n"
        "from transformers.models.gemma.modeling_gemma import GemmaForCausalLM, GemmaModel\n"),
        [("gemma_small", f"GemmaModel(GemmaConfig({_SMALL}, head_dim=64))"),
         ("gemma_small_lm", f"GemmaForCausalLM(GemmaConfig({_SMALL}, head_dim=64))"),
         ("gemma_small_lm_untied", f"GemmaForCausalLM(GemmaConfig({_SMALL}, head_dim=64, tie_word_embeddings=False))")]),
    "t5": (
        ("from transformers.models.t5.configuration_t5 import T5Config\n"
        "from transformers.models.t5.modeling_t5 import T5EncoderModel, T5ForConditionalGeneration, T5Model\n"),
        [("t5_small", "T5Model(T5Config())"),
         ("t5_small_encoder", "T5EncoderModel(T5Config())"),
         ("t5_small_lm", "T5ForConditionalGeneration(T5Config())"),
         ("t5_small_lm_untied", "T5ForConditionalGeneration(T5Config(tie_word_embeddings=False))"),
         ("t5_v11_gated", "T5ForConditionalGeneration(T5Config(feed_forward_proj='gated-gelu', num_layers=2, num_decoder_layers=3))")]),
    "bart": (
        ("from transformers.models.bart.configuration_bart import BartConfig\n"
        "from transformers.models.bart.modeling_bart import BartForConditionalGeneration, BartForSequenceClassification, BartModel\n"),
        [("bart_large", "BartModel(BartConfig())"),
         ("bart_large_lm", "BartForConditionalGeneration(BartConfig())"),
         ("bart_small_seq_cls", ("BartForSequenceClassification(BartConfig(encoder_layers=2, decoder_layers=2, d_model=256, "
                                "encoder_ffn_dim=512, decoder_ffn_dim=512, encoder_attention_heads=4, decoder_attention_heads=4))"))]),
    "whisper": (
        ("from transformers.models.whisper.configuration_whisper import WhisperConfig\n"
        "from transformers.models.whisper.modeling_whisper import WhisperForConditionalGeneration, WhisperModel\n"),
        [("whisper_tiny", "WhisperModel(WhisperConfig())"),
         ("whisper_tiny_lm", "WhisperForConditionalGeneration(WhisperConfig())")]),
    "roberta": (
        ("from transformers.models.roberta.configuration_roberta import RobertaConfig\n"
        "from transformers.models.roberta.modeling_roberta import RobertaForMaskedLM, RobertaForSequenceClassification, RobertaModel\n"),
        [("roberta_base", "RobertaModel(RobertaConfig())"),
         ("roberta_mlm", "RobertaForMaskedLM(RobertaConfig())"),
         ("roberta_seq_cls", "RobertaForSequenceClassification(RobertaConfig())")]),
    "distilbert": (
        ("from transformers.models.distilbert.configuration_distilbert import DistilBertConfig\n"
        "from transformers.models.distilbert.modeling_distilbert import DistilBertForMaskedLM, DistilBertForSequenceClassification, DistilBertModel\n"),
        [("distilbert_base", "DistilBertModel(DistilBertConfig())"),
         ("distilbert_mlm", "DistilBertForMaskedLM(DistilBertConfig())"),
         ("distilbert_seq_cls", "DistilBertForSequenceClassification(DistilBertConfig())")]),
    "mobilebert": (
        ("from transformers.models.mobilebert.configuration_mobilebert import MobileBertConfig\n"
        "from transformers.models.mobilebert.modeling_mobilebert import MobileBertForMaskedLM, MobileBertModel\n"),
        [("mobilebert", "MobileBertModel(MobileBertConfig())"),
         ("mobilebert_mlm", "MobileBertForMaskedLM(MobileBertConfig())")]),
    "vit": (
        ("from transformers.models.vit.configuration_vit import ViTConfig\n"
        "from transformers.models.vit.modeling_vit import ViTForImageClassification, ViTModel\n"),
        [("vit_base", "ViTModel(ViTConfig())"),
         ("vit_base_cls", "ViTForImageClassification(ViTConfig(num_labels=1000))")]),
    "clip": (
        ("from transformers.models.clip.configuration_clip import CLIPConfig, CLIPTextConfig, CLIPVisionConfig\n"
        "from transformers.models.clip.modeling_clip import CLIPModel, CLIPTextModel, CLIPVisionModel\n"),
        [("clip_base", "CLIPModel(CLIPConfig())"),
         ("clip_text", "CLIPTextModel(CLIPTextConfig())"),
         ("clip_vision", "CLIPVisionModel(CLIPVisionConfig())")]),
    "convnext": (
        ("from transformers.models.convnext.configuration_convnext import ConvNextConfig\n"
        "from transformers.models.convnext.modeling_convnext import ConvNextForImageClassification, ConvNextModel\n"),
        [("convnext_tiny", "ConvNextModel(ConvNextConfig())"),
         ("convnext_tiny_cls", "ConvNextForImageClassification(ConvNextConfig(num_labels=1000))")]),
    "resnet": (
        ("from transformers.models.resnet.configuration_resnet import ResNetConfig\n"
        "from transformers.models.resnet.modeling_resnet import ResNetForImageClassification, ResNetModel\n"),
        [("resnet50", "ResNetModel(ResNetConfig())"),
         ("resnet50_cls", "ResNetForImageClassification(ResNetConfig(num_labels=1000))"),
         ("resnet18_cls", ("ResNetForImageClassification(ResNetConfig(layer_type='basic', depths=[2, 2, 2, 2], "
                          "hidden_sizes=[64, 128, 256, 512], num_labels=1000))"))]),
    "swin": (
        ("from transformers.models.swin.configuration_swin import SwinConfig\n"
        "from transformers.models.swin.modeling_swin import SwinForImageClassification, SwinModel\n"),
        [("swin_tiny", "SwinModel(SwinConfig())"),
         ("swin_tiny_cls", "SwinForImageClassification(SwinConfig(num_labels=1000))")]),
}


def tree(version: str = VERSION) -> Path:
    """The directory holding the extracted ``transformers`` package and the drivers."""
    return CACHE / f"transformers-{version}"


def driver_source(module: str) -> str:
    imports, functions = DRIVER_SPECS[module]
    body = "".join(f"\n\ndef {name}():\n    return {expr}\n" for name, expr in functions)
    return f'"""paramlint bench driver (bench/transformers_built.py): {module}."""\n\n{imports}{body}'


# ---- fetching: the wheel's Python sources, and the drivers ------------------------------------

def fetch(version: str = VERSION) -> Path:
    """Download the transformers wheel (no deps, no install), extract transformers/**/*.py only,
    and write the driver modules."""
    out = corpus.extract_py(corpus.wheel("transformers", version), "transformers", tree(version))
    write_drivers(out)
    return out


def write_drivers(out: Path) -> None:
    d = out / DRIVERS
    d.mkdir(parents=True, exist_ok=True)
    (d / "__init__.py").write_text("")
    for module in DRIVER_SPECS:
        (d / f"{module}.py").write_text(driver_source(module))


# ---- the truth: transformers builds each driver -----------------------------------------------

def truth_row(module: str, name: str, model: object) -> dict:
    params = list(model.parameters())  # type: ignore[attr-defined]
    return {
        "function": f"{DRIVERS}.{module}:{name}",
        "total": sum(p.numel() for p in params),
        "trainable": sum(p.numel() for p in params if p.requires_grad),
    }


def make(version: str = VERSION) -> dict:
    import warnings

    import torch

    warnings.filterwarnings("ignore")
    for var in [v for v in os.environ if v.startswith(("TRANSFORMERS_", "HF_"))]:
        del os.environ[var]
    src = tree(version)
    sys.path.insert(0, str(src))
    import transformers  # type: ignore[import-not-found]  # the fetched sources, not installed

    assert Path(transformers.__file__).resolve().is_relative_to(src.resolve()), transformers.__file__
    builders = {}
    for module, (_, functions) in DRIVER_SPECS.items():
        mod = importlib.import_module(f"{DRIVERS}.{module}")
        for name, _ in functions:
            with torch.device("meta"):
                model = getattr(mod, name)()
            assert isinstance(model, torch.nn.Module), name
            builders[name] = truth_row(module, name, model)
            print(f"{name:28s} {builders[name]['total']:>14,}", file=sys.stderr)
            del model
    return {"produced_by": f"transformers {version} (wheel sources), torch {torch.__version__}: model.parameters() of each "
                           "driver function, on the meta device",
            "transformers": version, "builders": builders}


# ---- comparing --------------------------------------------------------------------------------

def compare(src: Path, truth: dict, modules: list | None = None) -> dict:
    targets = [src / DRIVERS / f"{m}.py" for m in modules] if modules else [src / DRIVERS]
    builders = {name: t for name, t in truth["builders"].items()
                if not modules or t["function"].split(":")[0].rsplit(".", 1)[-1] in modules}
    return corpus.rows(corpus.paramlint_models(targets, src, timeout=4 * 3600), builders)


def main() -> int:
    def options(ap: Any) -> None:
        ap.add_argument("modules", nargs="*", help=f"driver modules to compare (default: all): {', '.join(DRIVER_SPECS)}")

    def run(args: Any, truth: dict) -> int:
        unknown = [m for m in args.modules if m not in DRIVER_SPECS]
        if unknown:
            print(f"no driver module {', '.join(unknown)}; choose from {', '.join(DRIVER_SPECS)}")
            return 2
        src = tree(truth["transformers"])
        if not (src / "transformers" / "models").is_dir() or not (src / DRIVERS).is_dir():
            print("no transformers sources: python bench/transformers_built.py --fetch")
            return 2
        return corpus.print_rows(compare(src, truth, args.modules), 28)  # (paramlint's time on stderr)
    return corpus.cli(__doc__, TRUTH, fetch, make, run, options)


if __name__ == "__main__":
    sys.exit(main())
