"""paramlint's model of namex (Keras' API-export decorator; a required dependency of Keras 3):
``export(package, path)(symbol)`` validates the paths, marks the symbol and returns it
unchanged; exporting one symbol twice raises, as namex does. Written as namex 0.1 has it."""


class export:
    def __init__(self, package, path):
        if isinstance(path, str):
            export_paths = [path]
        elif isinstance(path, list):
            export_paths = path
        else:
            raise ValueError(f"Invalid type for `path` argument: Received '{path}' of type {type(path)}")
        for p in export_paths:
            if not p.startswith(package + "."):
                raise ValueError(f"All `export_path` values should start with '{package}.'. Received: path={path}")
        self.package = package
        self.path = path

    def __call__(self, symbol):
        if hasattr(symbol, "_api_export_path") and symbol._api_export_symbol_id == id(symbol):
            raise ValueError(f"Symbol {symbol} is already exported as '{symbol._api_export_path}'. "
                             f"Cannot also export it to '{self.path}'.")
        symbol._api_export_path = self.path
        symbol._api_export_symbol_id = id(symbol)
        return symbol
