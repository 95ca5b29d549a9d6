"""Error sample: fails at top level because its config file is missing.

The uncaught FileNotFoundError ends the script with status 1; under FlowTrace
the error is recorded on load_config and on the root.

Run untraced:  python3 samples/error/error_sample.py
Run traced:    flowtrace -s samples/error/error_sample.py -o flowtrace_error.json
"""
import json
import os

CONFIG_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "missing_config.json")


def read_text(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def load_config(path):
    return json.loads(read_text(path))


def start_service(config):
    return f"service listening on port {config['port']}"


if __name__ == "__main__":
    print("loading", os.path.basename(CONFIG_PATH))
    print(start_service(load_config(CONFIG_PATH)))
