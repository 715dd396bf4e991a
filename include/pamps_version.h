/* The release, written once: the module (/health, OpenAPI), the pamps
 * command (--version) and debian/changelog (checked by make test-deb). */
#ifndef PAMPS_VERSION_H
#define PAMPS_VERSION_H

#define PAMPS_VERSION "0.1.0"

#endif
