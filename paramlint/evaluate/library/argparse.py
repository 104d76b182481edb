"""paramlint's model of argparse (CPython 3.9-3.13) for what model code takes from it: the
configuration a training script builds its model from. ``parse_args()`` reads the command
line; the build paramlint reports is the one with no arguments, as a builder function is
called with its defaults: each argument's default (a string default converted by the
argument's ``type``, as argparse does), ``set_defaults`` values, and argparse's exit (a
``SystemExit``) when a required argument is missing. Parsing given arguments, sub-commands and
file types are not modelled (they raise NotImplementedError here, so what depends on them is
unknown). Written as CPython's argparse has it."""


SUPPRESS = "==SUPPRESS=="
OPTIONAL = "?"
ZERO_OR_MORE = "*"
ONE_OR_MORE = "+"
PARSER = "A..."
REMAINDER = "..."


class Namespace:
    def __init__(self, **kwargs):
        for name in kwargs:
            setattr(self, name, kwargs[name])

    def __eq__(self, other):
        if not isinstance(other, Namespace):
            return NotImplemented
        return vars(self) == vars(other)

    def __contains__(self, key):
        return key in self.__dict__


class ArgumentError(Exception):
    pass


class ArgumentTypeError(Exception):
    pass


class HelpFormatter:
    def __init__(self, prog, indent_increment=2, max_help_position=24, width=None):
        self._prog = prog


class RawDescriptionHelpFormatter(HelpFormatter):
    pass


class RawTextHelpFormatter(RawDescriptionHelpFormatter):
    pass


class ArgumentDefaultsHelpFormatter(HelpFormatter):
    pass


class MetavarTypeHelpFormatter(HelpFormatter):
    pass


class Action:
    def __init__(self, option_strings, dest, nargs=None, const=None, default=None, type=None, choices=None,
                 required=False, help=None, metavar=None):
        self.option_strings = option_strings
        self.dest = dest
        self.nargs = nargs
        self.const = const
        self.default = default
        self.type = type
        self.choices = choices
        self.required = required
        self.help = help
        self.metavar = metavar


class BooleanOptionalAction(Action):
    pass


class FileType:
    def __init__(self, mode="r", bufsize=-1, encoding=None, errors=None):
        self._mode = mode

    def __call__(self, string):
        raise NotImplementedError("argparse.FileType opens a file: not modelled")


#: What each named action stores when its option is absent.
_ACTION_DEFAULTS = {"store_true": False, "store_false": True}
_KNOWN_ACTIONS = ("store", "store_const", "store_true", "store_false", "append", "append_const", "count",
                  "extend", "help", "version")


class _Container:
    def __init__(self, parser):
        self._parser = parser

    def add_argument(self, *args, **kwargs):
        return self._parser.add_argument(*args, **kwargs)

    def add_argument_group(self, *args, **kwargs):
        return _Container(self._parser)

    def add_mutually_exclusive_group(self, required=False):
        return self._parser.add_mutually_exclusive_group(required=required)

    def set_defaults(self, **kwargs):
        self._parser.set_defaults(**kwargs)


class _ExclusiveGroup(_Container):
    def __init__(self, parser, required):
        super().__init__(parser)
        self.required = required
        self._actions = []

    def add_argument(self, *args, **kwargs):
        action = self._parser.add_argument(*args, **kwargs)
        self._actions.append(action)
        return action


class ArgumentParser:
    def __init__(self, prog=None, usage=None, description=None, epilog=None, parents=[], formatter_class=HelpFormatter,
                 prefix_chars="-", fromfile_prefix_chars=None, argument_default=None, conflict_handler="error",
                 add_help=True, allow_abbrev=True, exit_on_error=True):
        self.prog = prog
        self.description = description
        self.prefix_chars = prefix_chars
        self.argument_default = argument_default
        self._actions = []
        self._defaults = {}
        self._groups = []
        if add_help:
            self._actions.append(Action(["-h", "--help"], SUPPRESS, nargs=0, default=SUPPRESS))
        for parent in parents:
            for action in parent._actions:
                if action.dest != SUPPRESS or action.option_strings != ["-h", "--help"]:
                    self._actions.append(action)
            self._defaults.update(parent._defaults)

    def add_argument(self, *args, **kwargs):
        chars = self.prefix_chars
        if not args or len(args) == 1 and args[0][0] not in chars:
            if args and "dest" in kwargs:
                raise ValueError("dest supplied twice for positional argument")
            dest = args[0] if args else kwargs.get("dest")
            option_strings = []
            # (argparse also marks a ``*`` positional without a default required, but an empty
            # command line satisfies it: it takes no strings)
            kwargs["required"] = kwargs.get("nargs") not in (OPTIONAL, ZERO_OR_MORE, REMAINDER, SUPPRESS, 0)
        else:
            option_strings = list(args)
            for s in option_strings:
                if not s or s[0] not in chars:
                    raise ValueError(f"invalid option string {s!r}: must start with a character {chars!r}")
            dest = kwargs.get("dest")
            if dest is None:
                first = option_strings[0]
                for s in option_strings:
                    if len(s) > 1 and s[1] in chars:
                        first = s
                        break
                dest = first.lstrip(chars).replace("-", "_")
        kwargs.pop("dest", None)
        if "default" not in kwargs:
            if dest in self._defaults:
                kwargs["default"] = self._defaults[dest]
            elif self.argument_default is not None:
                kwargs["default"] = self.argument_default
        action = kwargs.pop("action", "store")
        if isinstance(action, str):
            if action not in _KNOWN_ACTIONS:
                raise ValueError(f"unknown action {action!r}")
            if action in ("help", "version"):
                dest = SUPPRESS
                kwargs["default"] = SUPPRESS
            elif action in _ACTION_DEFAULTS and "default" not in kwargs:
                kwargs["default"] = _ACTION_DEFAULTS[action]
        made = Action(option_strings, dest, nargs=kwargs.get("nargs"), const=kwargs.get("const"),
                      default=kwargs.get("default"), type=kwargs.get("type"), choices=kwargs.get("choices"),
                      required=kwargs.get("required", False), help=kwargs.get("help"), metavar=kwargs.get("metavar"))
        self._actions.append(made)
        return made

    def add_argument_group(self, *args, **kwargs):
        return _Container(self)

    def add_mutually_exclusive_group(self, required=False):
        group = _ExclusiveGroup(self, required)
        self._groups.append(group)
        return group

    def add_subparsers(self, **kwargs):
        raise NotImplementedError("argparse sub-commands are not modelled")

    def set_defaults(self, **kwargs):
        self._defaults.update(kwargs)
        for action in self._actions:
            if action.dest in kwargs:
                action.default = kwargs[action.dest]

    def get_default(self, dest):
        for action in self._actions:
            if action.dest == dest and action.default is not None:
                return action.default
        return self._defaults.get(dest, None)

    def parse_args(self, args=None, namespace=None):
        return self.parse_known_args(args, namespace)[0]

    def parse_known_args(self, args=None, namespace=None):
        if args is None:
            args = []  # (the command line: the build with defaults has no arguments)
        if list(args):
            raise NotImplementedError("parsing given command-line arguments is not modelled")
        if namespace is None:
            namespace = Namespace()
        for action in self._actions:
            if action.dest != SUPPRESS and not hasattr(namespace, action.dest):
                if action.default != SUPPRESS:
                    setattr(namespace, action.dest, action.default)
        for dest in self._defaults:
            if not hasattr(namespace, dest):
                setattr(namespace, dest, self._defaults[dest])
        missing = [a for a in self._actions if a.required]
        if missing:
            names = ["/".join(a.option_strings) if a.option_strings else a.dest for a in missing]
            self.error("the following arguments are required: " + ", ".join(names))
        for group in self._groups:
            if group.required:
                self.error("one of the arguments is required")
        for action in self._actions:
            if action.option_strings:
                continue
            if action.nargs == ZERO_OR_MORE and action.default is None:
                setattr(namespace, action.dest, [])
        for action in self._actions:
            if isinstance(action.default, str) and hasattr(namespace, action.dest) \
                    and action.default is getattr(namespace, action.dest) and action.default != SUPPRESS:
                setattr(namespace, action.dest, self._get_value(action, action.default))
        return namespace, []

    def _get_value(self, action, arg_string):
        type_func = action.type
        if type_func is None:
            return arg_string
        if not callable(type_func):
            raise ValueError(f"{type_func!r} is not callable")
        try:
            return type_func(arg_string)
        except (TypeError, ValueError, ArgumentTypeError):
            self.error(f"argument {action.dest}: invalid {getattr(type_func, '__name__', 'type')} value: {arg_string!r}")

    def error(self, message):
        raise SystemExit(2)

    def exit(self, status=0, message=None):
        raise SystemExit(status)

    def print_help(self, file=None):
        return None

    def print_usage(self, file=None):
        return None

    def format_help(self):
        return ""
