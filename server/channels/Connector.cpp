#include "channels/Connector.h"
