// Empty: expt_pch exists to own the precompiled header of cmake/precompiled.h.
