#include "policy/system_rights.h"

#include <array>

#include "identity/roles.h"
#include "policy/separation.h"

namespace mamori::policy {
namespace {

namespace r = identity::role;
using Roles = std::span<const std::string_view>;

// Role groups. Each is a named array so that the table below reads as
// policy, not as lists.
constexpr std::array kAnyone = {r::kHandler,
                                r::kInquiryOperator,
                                r::kConfirmer,
                                r::kSectionManager,
                                r::kDepartmentOfficer,
                                r::kAreaOfficer,
                                r::kChiefOfficer,
                                r::kCiso,
                                r::kDeputyCiso,
                                r::kCreditInfoDirector,
                                r::kAuditLead,
                                r::kAuditor,
                                r::kSirt,
                                r::kTerminalManager,
                                r::kCloudManager,
                                r::kAdmin};
constexpr std::array kAdmins = {r::kAdmin};
constexpr std::array kTerminalAdmins = {r::kAdmin, r::kTerminalManager};
// The approving managers are separation.h's list: a role the table lets
// approve is one the flow accepts as an approver.
constexpr auto kManagers = kApproverRoles;
constexpr std::array kRequesters = {r::kSectionManager,
                                    r::kDepartmentOfficer,
                                    r::kCreditInfoDirector,
                                    r::kChiefOfficer,
                                    r::kCiso,
                                    r::kDeputyCiso,
                                    r::kAdmin};
constexpr std::array kPolicySetters = {r::kCiso, r::kChiefOfficer};
constexpr std::array kAuditors = {r::kAuditLead, r::kAuditor};
constexpr std::array kEvidenceReaders = {r::kAuditLead,  r::kAuditor,      r::kCiso,
                                         r::kDeputyCiso, r::kChiefOfficer, r::kSirt};
constexpr std::array kPeopleReaders = {
    r::kAdmin,        r::kSectionManager, r::kDepartmentOfficer, r::kCreditInfoDirector,
    r::kChiefOfficer, r::kCiso,           r::kDeputyCiso,        r::kAuditLead,
    r::kAuditor};
constexpr std::array kRegisterReaders = {
    r::kAdmin,        r::kSectionManager, r::kDepartmentOfficer, r::kCreditInfoDirector,
    r::kChiefOfficer, r::kCiso,           r::kDeputyCiso,        r::kAuditLead,
    r::kAuditor};
constexpr std::array kTerminalReaders = {r::kAdmin,        r::kTerminalManager, r::kCiso,
                                         r::kChiefOfficer, r::kAuditLead,       r::kAuditor};
constexpr std::array kDatasetAdmins = {r::kAdmin, r::kChiefOfficer, r::kCiso};
constexpr std::array kLedgerReaders = {
    r::kAdmin,        r::kSectionManager, r::kDepartmentOfficer, r::kCreditInfoDirector,
    r::kChiefOfficer, r::kCiso,           r::kDeputyCiso,        r::kAuditLead,
    r::kAuditor};

// The analysis of access records. Findings go to managers and the CISO
// line to act on, and to auditors and SIRT to read; who may act on which
// finding, and see which, is narrowed again by the analysis
// (analysis/findings.h): internal audit acts only on the findings it owns,
// those about the only person of the CISO line (analysis/assign.h). Lists go to confirmers and
// managers; the analysis refuses a confirmer who accessed the data (analysis/lists.h).
constexpr std::array kFindingReaders = {r::kSectionManager,
                                        r::kDepartmentOfficer,
                                        r::kCreditInfoDirector,
                                        r::kChiefOfficer,
                                        r::kCiso,
                                        r::kDeputyCiso,
                                        r::kSirt,
                                        r::kAuditLead,
                                        r::kAuditor};
constexpr std::array kFindingHandlers = {r::kSectionManager,
                                         r::kDepartmentOfficer,
                                         r::kCreditInfoDirector,
                                         r::kChiefOfficer,
                                         r::kCiso,
                                         r::kDeputyCiso,
                                         r::kSirt,
                                         r::kAuditLead,
                                         r::kAuditor};
constexpr std::array kListReaders = {
    r::kConfirmer,          r::kSectionManager, r::kDepartmentOfficer,
    r::kCreditInfoDirector, r::kChiefOfficer,   r::kCiso,
    r::kDeputyCiso,         r::kAuditLead,      r::kAuditor};
constexpr std::array kListConfirmers = {r::kConfirmer,    r::kSectionManager, r::kDepartmentOfficer,
                                        r::kChiefOfficer, r::kCiso,           r::kDeputyCiso};
// Two-person control of credit inquiries [003 VI(1)]: operators (照会作業者)
// apply, run and receive answers; confirmers (確認者) confirm — the
// inquiry steps decide again operator ≠ confirmer and the department.
// A branch's operator, confirmer or section manager registers its
// requests; head office and evidence readers reconcile them [003 VI(1)②].
constexpr std::array kInquiryOperators = {r::kInquiryOperator};
constexpr std::array kInquiryConfirmers = {r::kConfirmer};
constexpr std::array kInquiryReaders = {
    r::kInquiryOperator,    r::kConfirmer,    r::kSectionManager, r::kDepartmentOfficer,
    r::kCreditInfoDirector, r::kChiefOfficer, r::kCiso,           r::kDeputyCiso,
    r::kAuditLead,          r::kAuditor};
// Not handlers: a system right on the handler role would make every
// handler's ID a change for the rights register (policy/rights_gate.h).
constexpr std::array kBranchRequesters = {r::kInquiryOperator, r::kConfirmer, r::kSectionManager};
constexpr std::array kReconcilers = {
    r::kConfirmer,          r::kSectionManager, r::kDepartmentOfficer,
    r::kCreditInfoDirector, r::kChiefOfficer,   r::kCiso,
    r::kDeputyCiso,         r::kAuditLead,      r::kAuditor};
// The evaluation's health: the operators too (no personal data in it).
constexpr std::array kAnalysisStatusReaders = {
    r::kAdmin, r::kChiefOfficer, r::kCiso, r::kDeputyCiso, r::kSirt, r::kAuditLead, r::kAuditor};

// Incidents (漏えい等事案, [002 第31-33条]): anyone reports; the SIRT
// (CSIRT) triages, contains, checks the other systems and records the
// lessons; the CISO line decides, reports to the police and the Commission
// and closes; they and the auditors read every incident (the reporter reads
// their own, decided by governance/incidents.h).
constexpr std::array kSirtOnly = {r::kSirt};
constexpr std::array kIncidentResponders = {r::kSirt, r::kCiso, r::kDeputyCiso, r::kChiefOfficer};
constexpr std::array kIncidentReaders = {r::kSirt,         r::kCiso,      r::kDeputyCiso,
                                         r::kChiefOfficer, r::kAuditLead, r::kAuditor};

// Exception measures (例外措置, [002 第26-27条]). Anyone applies and ends
// their own (the ledger decides "their own"); the ledger is read by those
// who may approve and by evidence readers; the CISO line designates the
// approvers and the ledger narrows it again to ciso, deputy_ciso and
// chief_officer; the chief security manager (chief_officer) acknowledges
// reports, which the CISO line produces.
constexpr std::array kExceptionReaders = {r::kSectionManager,
                                          r::kDepartmentOfficer,
                                          r::kCreditInfoDirector,
                                          r::kChiefOfficer,
                                          r::kCiso,
                                          r::kDeputyCiso,
                                          r::kSirt,
                                          r::kAuditLead,
                                          r::kAuditor};
constexpr std::array kCisoLine = {r::kCiso, r::kDeputyCiso, r::kChiefOfficer};
constexpr std::array kComplianceReaders = {r::kCiso, r::kDeputyCiso, r::kChiefOfficer,
                                           r::kAuditLead, r::kAuditor};
// The registers the rules require (governance/register_kinds.h). Each kind
// has its keepers; register.keep (the routes that serve every kind) is
// their union, and the register decides the kind's own rule again.
// Auditors and the CISO line read every register; nobody but the
// 統括情報セキュリティ責任者 (chief_officer) approves a cloud service
// [002 第66条].
constexpr std::array kSystemKeepers = {r::kAdmin};
constexpr std::array kSectionKeepers = {r::kSectionManager, r::kDepartmentOfficer,
                                        r::kCreditInfoDirector, r::kChiefOfficer};
constexpr std::array kCloudKeepers = {r::kAdmin, r::kCloudManager, r::kSectionManager,
                                      r::kDepartmentOfficer, r::kChiefOfficer};
constexpr std::array kRegisterKeepers = {r::kAdmin,
                                         r::kCloudManager,
                                         r::kSectionManager,
                                         r::kDepartmentOfficer,
                                         r::kCreditInfoDirector,
                                         r::kChiefOfficer};
constexpr std::array kChiefOfficers = {r::kChiefOfficer};
// Information-security training ([002 第28-29条]; governance/training.h):
// the CISO line plans; the CISO line and managers record attendance (the
// register narrows a manager to their own department and refuses anyone's
// own); the register is read by managers, the CISO line and auditors; each
// person sees their own standing (the route narrows the rest).
constexpr std::array kTrainingRecorders = {r::kSectionManager, r::kDepartmentOfficer,
                                           r::kChiefOfficer, r::kCiso, r::kDeputyCiso};
constexpr std::array kGovernanceReaders = {
    r::kSectionManager, r::kDepartmentOfficer, r::kCreditInfoDirector, r::kChiefOfficer,
    r::kCiso,           r::kDeputyCiso,        r::kAuditLead,          r::kAuditor};
// Internal audit ([002 第37-39条]; governance/internal_audit.h): the audit
// lead and the CISO line plan and assign; auditors record findings and
// report (the register narrows them to the assigned, independent ones); the
// CISO line acknowledges; the audited department's managers plan and report
// improvement (narrowed to the finding's department); all of them read.
constexpr std::array kAuditPlanners = {r::kAuditLead, r::kCiso, r::kDeputyCiso, r::kChiefOfficer};
constexpr std::array kAuditees = {r::kSectionManager, r::kDepartmentOfficer,
                                  r::kCreditInfoDirector};
// Take-outs (持ち出し): the register goes to the managers who approve
// take-outs, the CISO line and auditors; the return or destruction is
// confirmed by the approving roles (and the server narrows that to the
// take-out's approvers or their department's holders of those roles). One
// take-out, its manifest and its file are narrowed by the server to those
// it concerns (the file: its exporter only).
constexpr std::array kTakeoutReaders = {
    r::kSectionManager, r::kDepartmentOfficer, r::kCreditInfoDirector, r::kChiefOfficer,
    r::kCiso,           r::kDeputyCiso,        r::kAuditLead,          r::kAuditor};
constexpr std::array kTakeoutConfirmers = {r::kSectionManager, r::kDepartmentOfficer};

constexpr std::array kRules = {
    // Datasets (台帳). Definitions hold no personal data: every role may read
    // them, so handlers know the fields they fill in.
    SystemRule{"dataset.list", Roles(kAnyone), "台帳一覧の参照"},
    SystemRule{"dataset.show", Roles(kAnyone), "台帳定義の参照"},
    SystemRule{"dataset.versions", Roles(kAnyone), "台帳定義の版の参照"},
    SystemRule{"dataset.ledger", Roles(kLedgerReaders), "台帳（件数・廃棄数を含む）の参照"},
    SystemRule{"dataset.create", Roles(kDatasetAdmins), "台帳の登録"},
    // Disposal records hold no personal data (ids, times, people, the
    // approval): the ledger's readers.
    SystemRule{"disposal.list", Roles(kLedgerReaders), "廃棄記録(廃棄証明)の参照"},
    SystemRule{"dataset.update", Roles(kDatasetAdmins), "台帳定義の変更"},
    // People.
    SystemRule{"user.list", Roles(kPeopleReaders), "利用者一覧の参照"},
    SystemRule{"user.show", Roles(kPeopleReaders), "利用者の参照"},
    SystemRule{"user.create", Roles(kAdmins), "利用者IDの登録"},
    SystemRule{"user.update", Roles(kAdmins), "利用者情報の変更"},
    SystemRule{"user.disable", Roles(kAdmins), "利用者IDの無効化（退職等）"},
    SystemRule{"user.enable", Roles(kAdmins), "利用者IDの再有効化"},
    SystemRule{"user.roles", Roles(kAdmins), "役割の付与・削除"},
    SystemRule{"user.positions", Roles(kAdmins), "役職の付与・削除"},
    SystemRule{"user.unlock", Roles(kAdmins), "ロックアウトの解除"},
    SystemRule{"user.reset_password", Roles(kAdmins), "パスワードの再設定"},
    SystemRule{"user.reset_totp", Roles(kAdmins), "ワンタイムパスワードの再登録"},
    SystemRule{"role.list", Roles(kAnyone), "役割一覧の参照"},
    // Terminals and applications.
    SystemRule{"terminal.list", Roles(kTerminalReaders), "端末一覧の参照"},
    SystemRule{"terminal.show", Roles(kTerminalReaders), "端末の参照"},
    SystemRule{"terminal.register", Roles(kTerminalAdmins), "端末の登録"},
    SystemRule{"terminal.update", Roles(kTerminalAdmins), "端末情報の変更"},
    SystemRule{"terminal.disable", Roles(kTerminalAdmins), "端末の無効化"},
    SystemRule{"terminal.enable", Roles(kTerminalAdmins), "端末の再有効化"},
    SystemRule{"service.list", Roles(kTerminalReaders), "サービスアカウント一覧の参照"},
    SystemRule{"service.show", Roles(kTerminalReaders), "サービスアカウントの参照"},
    SystemRule{"service.create", Roles(kAdmins), "サービスアカウントの登録"},
    SystemRule{"service.update", Roles(kAdmins), "サービスアカウントの変更"},
    SystemRule{"service.roles", Roles(kAdmins), "サービスアカウントの役割の付与・削除"},
    SystemRule{"service.disable", Roles(kAdmins), "サービスアカウントの無効化"},
    SystemRule{"service.enable", Roles(kAdmins), "サービスアカウントの再有効化"},
    // The rights flow and its register (アクセス権限管理簿). Who may take
    // which step of one request is decided again by separation.h.
    SystemRule{"rights.request", Roles(kRequesters), "権限の付与・変更・削除の申請"},
    SystemRule{"rights.use_request", Roles(kAnyone), "利用申請(期間・利用者を限った利用)"},
    SystemRule{"rights.approve", Roles(kManagers), "権限申請の承認"},
    SystemRule{"rights.reject", Roles(kManagers), "権限申請の却下"},
    SystemRule{"rights.configure", Roles(kAdmins), "承認済み権限の設定"},
    SystemRule{"rights.withdraw", Roles(kRequesters), "権限申請の取下げ"},
    SystemRule{"rights.register", Roles(kRegisterReaders), "アクセス権限管理簿の参照"},
    // Approval requests (approval/approvals.h). Anyone applies and sees
    // their own; the managers decide, and the engine decides again whether
    // this person may decide this request's open stage (its role, the
    // applicant's department, escalation); the ledger is evidence.
    SystemRule{"approval.list", Roles(kAnyone), "自分の承認申請・承認待ちの参照"},
    SystemRule{"approval.show", Roles(kAnyone), "承認申請の参照(申請者・承認者)"},
    SystemRule{"approval.submit", Roles(kAnyone), "承認の申請・事後届出"},
    SystemRule{"approval.decide", Roles(kManagers), "承認申請の承認・却下"},
    SystemRule{"approval.cancel", Roles(kAnyone), "自分の承認申請の取消し"},
    SystemRule{"approval.ledger", Roles(kEvidenceReaders), "承認申請の台帳の参照"},
    SystemRule{"takeout.list", Roles(kTakeoutReaders), "持ち出しの記録簿の参照"},
    SystemRule{"takeout.show", Roles(kAnyone), "持ち出しの参照(持ち出した本人・承認者)"},
    SystemRule{"takeout.file", Roles(kAnyone), "持ち出しファイルの受取り(持ち出した本人)"},
    SystemRule{"takeout.confirm", Roles(kTakeoutConfirmers), "持ち出しの返却・廃棄の確認"},
    SystemRule{"review.start", Roles(kPolicySetters), "権限の定期見直しの開始"},
    SystemRule{"review.list", Roles(kRegisterReaders), "権限見直しの参照"},
    SystemRule{"review.decide", Roles(kManagers), "権限見直しの確認・取消"},
    // Policy parameters.
    SystemRule{"policy.show", Roles(kAnyone), "ポリシー設定値の参照"},
    SystemRule{"policy.update", Roles(kPolicySetters), "ポリシー設定値の変更"},
    // The audit log. Heads and proofs are hashes: anyone may check a receipt.
    SystemRule{"audit.head", Roles(kAnyone), "署名付きツリーヘッドの参照"},
    SystemRule{"audit.proof", Roles(kAnyone), "包含証明の取得"},
    SystemRule{"audit.consistency", Roles(kAnyone), "一貫性証明の取得"},
    SystemRule{"audit.events", Roles(kEvidenceReaders), "監査イベントの検索"},
    SystemRule{"audit.verify", Roles(kAuditors), "監査ログの検証"},
    // Two-person control of credit inquiries [003 VI(1)].
    SystemRule{"inquiry.show", Roles(kInquiryReaders), "照会記録の参照"},
    SystemRule{"inquiry.apply", Roles(kInquiryOperators), "信用情報の照会の申請・実行"},
    SystemRule{"inquiry.run", Roles(kInquiryOperators), "承認済み照会の実行"},
    SystemRule{"inquiry.answer", Roles(kInquiryOperators), "照会の回答の受領"},
    SystemRule{"inquiry.confirm", Roles(kInquiryConfirmers), "照会の承認・承認番号発行・回答開放"},
    SystemRule{"inquiry.request", Roles(kBranchRequesters), "営業店からの本部照会依頼の登録"},
    SystemRule{"inquiry.reconcile", Roles(kReconcilers), "本部照会件数と照会依頼件数の突合"},
    // The analysis of access records [003 II.5(6)-(8)].
    SystemRule{"finding.list", Roles(kFindingReaders), "アクセス記録の分析結果(指摘)の参照"},
    SystemRule{"finding.update", Roles(kFindingHandlers), "指摘の確認・説明・報告"},
    SystemRule{"list.show", Roles(kListReaders), "アクセス記録の確認リストの参照"},
    SystemRule{"list.confirm", Roles(kListConfirmers), "アクセス記録の確認リストの確認"},
    SystemRule{"analysis.status", Roles(kAnalysisStatusReaders), "ログ分析の稼働状況の参照"},
    SystemRule{"analysis.run", Roles(kEvidenceReaders), "期間を指定したログ分析の実行"},
    // The thresholds of the rules tell how to stay under them: read by those
    // who read evidence, changed (policy.update) by the CISO line.
    SystemRule{"analysis.policy", Roles(kEvidenceReaders), "ログ分析の閾値の参照"},
    // Exception measures [002 第26-27条].
    SystemRule{"exception.apply", Roles(kAnyone), "例外措置の適用申請・事後届出"},
    SystemRule{"exception.show", Roles(kAnyone), "例外措置の参照(申請者・許可権限者)"},
    SystemRule{"exception.end", Roles(kAnyone), "自分の例外措置の終了"},
    SystemRule{"exception.ledger", Roles(kExceptionReaders), "例外措置台帳の参照"},
    SystemRule{"exception.approvers", Roles(kAnyone), "例外措置の許可権限者の参照"},
    SystemRule{"exception.designate", Roles(kManagers), "例外措置の許可権限者の指定(CISO)"},
    SystemRule{"exception.report_list", Roles(kExceptionReaders), "例外措置の申請状況報告の参照"},
    SystemRule{"exception.report", Roles(kCisoLine), "例外措置の申請状況報告の作成"},
    SystemRule{"exception.report_ack", Roles(kCisoLine),
               "例外措置の申請状況報告の受領(統括情報セキュリティ責任者)"},
    SystemRule{"exception.trends", Roles(kExceptionReaders), "例外措置の傾向の参照"},
    // Incidents (漏えい等事案) [002 第31-33条], [003 II.2(8)].
    SystemRule{"incident.report", Roles(kAnyone), "漏えい等事案の報告・外部からの報告の受付"},
    SystemRule{"incident.list", Roles(kAnyone), "漏えい等事案の一覧(報告者は自分の報告のみ)"},
    SystemRule{"incident.show", Roles(kAnyone), "漏えい等事案の参照(報告者は自分の報告のみ)"},
    SystemRule{"incident.read_all", Roles(kIncidentReaders), "すべての漏えい等事案の参照"},
    SystemRule{"incident.step", Roles(kIncidentResponders), "漏えい等事案の対応手順の記録"},
    SystemRule{"incident.form", Roles(kIncidentReaders), "個人情報保護委員会への報告様式の作成"},
    SystemRule{"incident.triage", Roles(kSirtOnly), "漏えい等事案のトリアージ(CSIRT)"},
    SystemRule{"incident.decide", Roles(kCisoLine), "漏えい等事案の対応方針の決定(CISO)"},
    SystemRule{"incident.contain", Roles(kSirtOnly), "被害拡大防止・復旧の記録(CSIRT)"},
    SystemRule{"incident.check_systems", Roles(kSirtOnly), "他の情報システムの点検の記録(CSIRT)"},
    SystemRule{"incident.police", Roles(kCisoLine), "警察への届出(またはしない判断)の記録"},
    SystemRule{"incident.commission_report", Roles(kCisoLine),
               "個人情報保護委員会への報告(速報・確報)の提出の記録"},
    SystemRule{"incident.lessons", Roles(kSirtOnly), "再発防止策(教訓)の記録(CSIRT)"},
    SystemRule{"incident.close", Roles(kCisoLine), "漏えい等事案の対応の完了(CISO)"},
    SystemRule{"incident.amend", Roles(kIncidentResponders), "漏えい等事案の調査項目の更新"},
    // Information-security training [002 第28-29条].
    SystemRule{"training.plan", Roles(kCisoLine), "情報セキュリティ研修の計画"},
    SystemRule{"training.record", Roles(kTrainingRecorders), "研修の受講記録 (本人以外)"},
    SystemRule{"training.list", Roles(kGovernanceReaders), "研修計画・受講記録の参照"},
    SystemRule{"training.currency", Roles(kAnyone), "研修の受講状況の参照 (本人)"},
    // Internal audit [002 第37-39条].
    SystemRule{"internal_audit.list", Roles(kGovernanceReaders), "内部監査の計画・報告の参照"},
    SystemRule{"internal_audit.plan", Roles(kAuditPlanners), "内部監査の計画"},
    SystemRule{"internal_audit.assign", Roles(kAuditPlanners), "監査人の指名 (独立性)"},
    SystemRule{"internal_audit.finding", Roles(kAuditors), "監査の指摘の記録 (指名された監査人)"},
    SystemRule{"internal_audit.report", Roles(kAuditors), "監査報告 (指名された監査人)"},
    SystemRule{"internal_audit.acknowledge", Roles(kCisoLine), "監査報告の受領"},
    SystemRule{"internal_audit.improve", Roles(kAuditees), "改善計画・進捗の報告 (被監査部署)"},
    SystemRule{"internal_audit.close", Roles(kAuditors), "指摘の完了確認 (指名された監査人)"},
    // Self-inspection [002 第34-36条]: everyone answers their own checklist.
    SystemRule{"inspection.list", Roles(kGovernanceReaders), "自己点検の計画・集計の参照"},
    SystemRule{"inspection.plan", Roles(kCisoLine), "自己点検の年度計画"},
    SystemRule{"inspection.checklist", Roles(kAnyone), "自己点検票の参照 (本人)"},
    SystemRule{"inspection.answer", Roles(kAnyone), "自己点検票への回答 (本人)"},
    SystemRule{"inspection.evaluate", Roles(kCisoLine), "自己点検の評価・改善指示"},
    SystemRule{"inspection.complete", Roles(kAuditees), "改善指示の完了報告 (当該部署)"},
    // Connections to other institutions (電算結合, [000 第5号様式]): a
    // connection holds no personal data. The administrator registers one
    // once its connection approval is granted (checked again by the
    // register); the register's readers read it and its card; the kill
    // switch is open to the managers and the CISO line at the route, and
    // the register lets only the connection's responsible person use it.
    SystemRule{"connection.list", Roles(kRegisterReaders), "接続 (電算結合) の一覧・記録票の参照"},
    SystemRule{"connection.show", Roles(kRegisterReaders), "接続 (電算結合) の参照"},
    SystemRule{"connection.add", Roles(kAdmins), "承認された接続の登録"},
    SystemRule{"connection.suspend", Roles(kManagers), "接続の停止・再開 (責任者)"},
    SystemRule{"provision.list", Roles(kRegisterReaders), "提供記録の参照"},
    // The compliance report [004 §6(7)]: for the CISO line, who answer for
    // compliance, and internal audit, who check it; attestations of the
    // clauses met outside the software are recorded by the CISO line
    // (governance/attestations.h narrows it again).
    SystemRule{"report.compliance", Roles(kComplianceReaders), "準拠状況報告の参照"},
    SystemRule{"report.attestations", Roles(kComplianceReaders), "確認記録の参照"},
    SystemRule{"report.attest", Roles(kCisoLine), "確認記録の登録 (CISO の系統)"},
    // The registers [002 第20条, 第55-73条, 第84条, 第91-92条, 第100-101条,
    // 第114条, 第155条; 003 IV, V(1)-(2); 004 §6(8)].
    SystemRule{"register.read", Roles(kRegisterReaders), "台帳 (委託先・クラウド・機器等) の参照"},
    SystemRule{"register.keep", Roles(kRegisterKeepers),
               "台帳の登録・変更・廃止・点検 (種類ごとに再判定)"},
    SystemRule{"register.contractor.keep", Roles(kSectionKeepers), "委託先台帳の管理"},
    SystemRule{"register.cloud_service.keep", Roles(kCloudKeepers), "クラウドサービス台帳の管理"},
    SystemRule{"register.cloud_service.approve", Roles(kChiefOfficers),
               "クラウドサービスの利用承認 (統括情報セキュリティ責任者)"},
    SystemRule{"register.social_media.keep", Roles(kSectionKeepers),
               "ソーシャルメディアアカウント台帳の管理"},
    SystemRule{"register.information_system.keep", Roles(kSystemKeepers), "情報システム台帳の管理"},
    SystemRule{"register.software.keep", Roles(kSystemKeepers), "許可ソフトウェア台帳の管理"},
    SystemRule{"register.device.keep", Roles(kSystemKeepers), "機器台帳の管理"},
    SystemRule{"register.media.keep", Roles(kSectionKeepers), "記録媒体管理簿の管理・棚卸し"},
    SystemRule{"register.maintenance.keep", Roles(kSystemKeepers), "保守作業の記録"},
    SystemRule{"register.network_change.keep", Roles(kSystemKeepers),
               "通信回線装置の設定変更の記録"},
};

}  // namespace

std::span<const SystemRule> SystemRules() { return kRules; }

const SystemRule* FindSystemRule(std::string_view operation) {
  for (const auto& rule : kRules) {
    if (rule.operation == operation) return &rule;
  }
  return nullptr;
}

bool SystemAllows(const identity::Principal& who, std::string_view operation) {
  const SystemRule* rule = FindSystemRule(operation);
  if (!rule) return false;
  for (std::string_view role : rule->roles) {
    if (who.HasRole(role)) return true;
  }
  return false;
}

}  // namespace mamori::policy
