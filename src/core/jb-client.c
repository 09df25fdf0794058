/* placeholder: the client comes next */
#include "jb-client.h"
