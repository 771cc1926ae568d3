"""BLAS thread limits for the small products and solves that ranking and training loop over."""

from __future__ import annotations

_blas_controller = None


def one_blas_thread():
    """A context that limits BLAS to one thread: for loops of small products and solves.

    Splitting a 100 x 100 solve across OpenBLAS threads only adds synchronisation; on
    a busy 2-core machine it made one user's recommendation 2x and a BiasedMF fit up to
    8x slower. The controller is built once; entering the limit costs ~20 us.
    """
    global _blas_controller
    if _blas_controller is None:
        from threadpoolctl import ThreadpoolController

        _blas_controller = ThreadpoolController()
    return _blas_controller.limit(limits=1, user_api="blas")
