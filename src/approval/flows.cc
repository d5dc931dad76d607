#include "approval/flows.h"

namespace mamori::approval {

std::vector<Flow> StandardFlows() {
  Flow work;
  work.type = std::string(kNonStandardWork);
  work.stages = {Stage{{"section_manager"}, true}};
  work.lifetime_hours = 7 * 24;
  Flow exception;
  exception.type = std::string(kException);
  exception.stages = {Stage{{"ciso", "deputy_ciso", "chief_officer"}, false}};
  exception.lifetime_hours = 14 * 24;
  exception.emergency_filing_days = 2;
  return {work, exception};
}

}  // namespace mamori::approval
