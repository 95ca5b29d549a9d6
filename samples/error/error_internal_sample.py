"""Error sample: fails inside an internal call, validate_config.

The config is built in memory, so nothing is missing on disk; the ValueError
raised by validate_config passes through prepare_service and boot, and is not
caught, so the script ends with status 1.

Run untraced:  python3 samples/error/error_internal_sample.py
Run traced:    flowtrace -s samples/error/error_internal_sample.py -o flowtrace_error_internal.json
"""

REQUIRED_KEYS = ("host", "port", "workers")


def default_config():
    return {"host": "127.0.0.1", "port": 8080, "workers": 0}


def validate_config(config):
    missing = [key for key in REQUIRED_KEYS if key not in config]
    if missing:
        raise KeyError(f"missing keys: {missing}")
    if config["workers"] < 1:
        raise ValueError(f"workers must be >= 1, got {config['workers']}")
    return True


def prepare_service(config):
    validate_config(config)
    return f"{config['host']}:{config['port']} x{config['workers']}"


def boot():
    config = default_config()
    print("booting with", sorted(config))
    return prepare_service(config)


if __name__ == "__main__":
    print(boot())
