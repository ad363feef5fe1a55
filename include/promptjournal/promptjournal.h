// Umbrella header: the whole public API of promptjournal.
#ifndef PROMPTJOURNAL_PROMPTJOURNAL_H_
#define PROMPTJOURNAL_PROMPTJOURNAL_H_
#include "promptjournal/audit_html.h"
#include "promptjournal/config.h"
#include "promptjournal/diff.h"
#include "promptjournal/errors.h"
#include "promptjournal/event.h"
#include "promptjournal/feedback.h"
#include "promptjournal/file_system.h"
#include "promptjournal/history.h"
#include "promptjournal/journal.h"
#include "promptjournal/logger.h"
#include "promptjournal/options.h"
#include "promptjournal/projector.h"
#include "promptjournal/promptomatix.h"
#include "promptjournal/salvage.h"
#include "promptjournal/session.h"
#include "promptjournal/session_manager.h"
#include "promptjournal/snapshot.h"
#include "promptjournal/time.h"
#include "promptjournal/verify.h"
#include "promptjournal/version.h"
#endif  // PROMPTJOURNAL_PROMPTJOURNAL_H_
