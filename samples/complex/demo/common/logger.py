"""A tiny logger that keeps its lines in memory and prints them on demand."""


class AppLogger:
    def __init__(self, name):
        self.name = name
        self.lines = []

    def info(self, message, **fields):
        extra = " ".join(f"{key}={value}" for key, value in sorted(fields.items()))
        line = f"[{self.name}] {message}" + (f" {extra}" if extra else "")
        self.lines.append(line)
        return line

    def dump(self):
        for line in self.lines:
            print(line)
        return len(self.lines)


def get_logger(name):
    return AppLogger(name)
