#include "governance/incident_reporting.h"

namespace mamori::governance {

Reportability ReportabilityOf(const IncidentFacts& facts) {
  Reportability r;
  if (facts.sensitive) r.grounds.push_back("sensitive");
  if (facts.financial_damage) r.grounds.push_back("financial_damage");
  if (facts.wrongful_purpose) r.grounds.push_back("wrongful_purpose");
  if (facts.people > 1000) r.grounds.push_back("over_1000_people");
  if (facts.my_number) r.grounds.push_back("my_number");
  r.reportable = !r.grounds.empty();
  return r;
}

Result<ReportDeadlines> DeadlinesFor(CivilDate aware, bool wrongful_purpose,
                                     const ReportingPolicy& policy,
                                     const jp::BusinessCalendar& calendar) {
  auto out_of_range = [](const char* name, const char* range) {
    return Status::InvalidArgument(std::string(name) + " must be " + range,
                                   std::string(name) + " は " + range + " で指定してください",
                                   name);
  };
  if (policy.preliminary_business_days < 1 || policy.preliminary_business_days > 30) {
    return Fail(out_of_range("preliminary_business_days", "1..30"));
  }
  if (policy.final_days < 1 || policy.final_days > 366) {
    return Fail(out_of_range("final_days", "1..366"));
  }
  if (policy.final_days_wrongful < 1 || policy.final_days_wrongful > 366) {
    return Fail(out_of_range("final_days_wrongful", "1..366"));
  }
  ReportDeadlines d;
  d.aware = aware;
  MAMORI_ASSIGN_OR_RETURN(d.preliminary_report_due,
                          calendar.NextBusinessDay(aware, policy.preliminary_business_days));
  d.final_days = wrongful_purpose ? policy.final_days_wrongful : policy.final_days;
  d.final_report_due = CivilFromDays(DaysFromCivil(aware) + d.final_days);
  return d;
}

}  // namespace mamori::governance
