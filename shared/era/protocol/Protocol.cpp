#include "era/protocol/Protocol.h"
