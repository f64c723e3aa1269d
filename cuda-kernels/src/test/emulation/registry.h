// How kernels.cpp hands our kernels to the emulated driver: a name, the parameter count, and a
// function that unpacks cuLaunchKernel's void** parameters into a call of the kernel.
#pragma once
#include <cstddef>
#include <type_traits>
#include <utility>

namespace emu {
using Invoke = void (*)(void **params);

struct KernelEntry {
    const char *name;
    int arity;
    Invoke invoke;
};

template <auto F> struct Call;
template <class... A, void (*F)(A...)> struct Call<F> {
    static constexpr int arity = sizeof...(A);
    template <std::size_t... I> static void unpack(void **p, std::index_sequence<I...>) {
        F(*static_cast<std::remove_cv_t<A> *>(p[I])...);
    }
    static void invoke(void **p) { unpack(p, std::index_sequence_for<A...>{}); }
};

extern const KernelEntry kernels[];   // ends with a null name
}  // namespace emu

#define KERNEL(f) emu::KernelEntry{#f, emu::Call<&f>::arity, &emu::Call<&f>::invoke}
