// libebur128 (MIT): EBU R128 integrated loudness and loudness range.
#include <ebur128.h>
