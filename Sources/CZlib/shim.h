// zlib (Debian `zlib1g-dev`): the deflate format HdrHistogram's compressed encoding wraps its counts in.
#include <zlib.h>
