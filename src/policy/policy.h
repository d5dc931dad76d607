// policy: authorisation — management categories (管理区分), grants of role ×
// category × dataset × operation × purpose, purpose binding, terminals,
// handling restrictions, field masking, segregation of duties, the rights
// register (アクセス権限管理簿) and periodic reviews (docs/REQUIREMENTS.md §2, §4,
// §14; docs/ARCHITECTURE.md "Data access, end to end").
//
// The folder owns
//   operation.h      the operations a grant can allow
//   right.h          Right (what may be done) and Grant (a right in force)
//   change.h         change requests: the flow's records and the register's entries
//   separation.h     segregation-of-duties rules of the flow
//   rights_admin.h   request → approve → configure
//   decision.h       Decision and its reason codes
//   authorizer.h     Authorize, ApplyMask, recorded refusals
//   mask.h           masking rules and masked forms
//   register.h       the rights register: entries, holdings, JSON export
//   review_types.h, review.h   review campaigns and person reviews
//   directory.h      what policy asks identity (role holders, managers, departments)
//   caller.h         who performs a policy operation
// and, internal: keyspace.h (its keys under "pol/" in the engine's data
// store), records.h, snapshot.h, change_apply.h, json_util.h.
//
// policy depends on core, store, audit, engine (DatasetDef, the data store)
// and identity/principal.h only; identity implements Directory. Every state
// change is one storage transaction that also appends its audit event
// (docs/ARCHITECTURE.md decision 1); events carry ids, never free text or values.
#pragma once

#include "policy/authorizer.h"
#include "policy/caller.h"
#include "policy/change.h"
#include "policy/decision.h"
#include "policy/directory.h"
#include "policy/mask.h"
#include "policy/operation.h"
#include "policy/register.h"
#include "policy/review.h"
#include "policy/review_types.h"
#include "policy/right.h"
#include "policy/rights_admin.h"
#include "policy/separation.h"
