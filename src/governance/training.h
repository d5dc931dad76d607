// Information-security training (情報セキュリティ研修, [002 第28-29条];
// [003 II.3(4)]): the yearly plans of the CISO line, the attendance of each
// person with its evaluation, and each person's training currency — which
// the authoriser reads when the organisation turns the training switch on
// (policy/training_gate.h): a person without current training then uses no
// data role.
//
// A plan: fiscal year (年度, April-March), course (a code), audience — all
// staff ("all"), new hires ("new_hire"), mid-career hires ("mid_career") or
// the holders of one role ("role" with `role`).
// An attendance: plan, person, JST day, score (0-100, optional) and passed.
// Who records it is the trainer's side, never the trainee: the CISO line for
// anyone, a section manager or department officer for the people of their
// own department; a person never records their own (training.self_record).
// The day lies in the plan's fiscal year and not in the future; a "role"
// plan is attended by holders of that role. A passed attendance makes its
// person current until day + validity_days - 1 (the training policy;
// a later attendance extends, never shortens).
//
// Every step is one audited transaction ("training.plan", "training.attend",
// "training.policy_set"), with ids and codes only; refusals change nothing
// and are audited.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "approval/approvals.h"
#include "approval/people.h"
#include "core/status.h"
#include "policy/training_gate.h"
#include "store/storage.h"

namespace mamori::governance {

inline constexpr std::string_view kTrainingPlanNotFound = "training.plan";
inline constexpr std::string_view kTrainingSelfRecord = "training.self_record";
inline constexpr std::string_view kTrainingNotTrainer = "training.not_trainer";
inline constexpr std::string_view kTrainingNotAudience = "training.not_audience";
inline constexpr std::string_view kTrainingNotPlanner = "training.not_planner";

struct TrainingPlan {
  std::string id;  // "TP000001"
  int year = 0;    // fiscal year
  std::string course, audience, role;
  std::string planned_by;
  TimeMicros at = 0;
};

struct Attendance {
  std::string id;  // "TA000001"
  std::string plan, person;
  CivilDate date;
  std::optional<int> score;
  bool passed = false;
  std::optional<CivilDate> current_until;  // set when passed
  std::string recorded_by;
  TimeMicros at = 0;
};

nlohmann::json PlanToJson(const TrainingPlan& p);
nlohmann::json AttendanceToJson(const Attendance& a);

// A person's standing under the switch.
struct Currency {
  std::string person;
  std::optional<CivilDate> until;
  bool current = false;
  bool required = false;  // the switch
};
nlohmann::json CurrencyToJson(const Currency& c);

class Training {
 public:
  // Both must outlive this object; `people` is read outside transactions.
  Training(store::Storage& storage, const approval::People& people)
      : storage_(storage), people_(people) {}

  Result<TrainingPlan> Plan(const approval::Caller& caller, const TrainingPlan& draft);
  Result<Attendance> Attend(const approval::Caller& caller, const Attendance& draft);
  // Validates, passes `gate` (the policy_change approval), stores the rule
  // and audits it ("training.policy_set"). Does not authorise: the route
  // (policy.update) does.
  Status SetRule(const approval::Caller& caller, const policy::TrainingRule& rule,
                 const std::function<Status(store::WriteTxn&, audit::Event&)>& gate);

  Result<policy::TrainingRule> Rule();
  Result<std::vector<TrainingPlan>> Plans();
  // Every attendance, or those of `person` when not empty.
  Result<std::vector<Attendance>> Attendances(std::string_view person = {});
  Result<Currency> CurrencyOf(std::string_view person, TimeMicros now);

  // The active people who must attend `plan`, by id: everyone for "all",
  // the role's holders for "role", and for "new_hire" / "mid_career" those
  // hired within the plan's fiscal year as new graduates / mid-career hires
  // (approval::Person::hired, hire_kind; a person without a recorded hire
  // is in neither).
  static std::vector<std::string> AudienceOf(const TrainingPlan& plan,
                                             const std::vector<approval::Person>& people);

 private:
  store::Storage& storage_;
  const approval::People& people_;
};

}  // namespace mamori::governance
