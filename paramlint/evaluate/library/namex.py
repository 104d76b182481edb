"""paramlint's model of namex (Keras' API-export decorator; a required dependency of Keras 3):
``export(package, path)(symbol)`` validates the paths, marks the symbol and returns it
unchanged. The check against exporting one symbol twice is left out (it only raises on code
that fails at import)."""


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
        symbol._api_export_path = self.path
        symbol._api_export_symbol_id = id(symbol)
        return symbol
