/* nook's own version and the runtime-spec version it implements: what
 * `nook --version`, `nook features`, `nook spec` and state.json report. */
#ifndef NOOK_VERSION_H
#define NOOK_VERSION_H

#define NOOK_VERSION      "0.1.0"
#define NOOK_SPEC_VERSION "1.3.0"

#endif
