// KISS FFT (BSD), Debian's float build: its pkg-config file sets kiss_fft_scalar=float, which SwiftPM's
// system-library targets cannot pass on, so it is defined here before the headers.
#define kiss_fft_scalar float
#include <kissfft/kiss_fft.h>
#include <kissfft/kiss_fftr.h>
