#include "cspank.h"
