#include "ft-private.h"
PyObject *ft_repair(const char *src, const char *dst) { PyErr_SetString(PyExc_NotImplementedError, "x"); return NULL; }
