#include "exchange/card.h"

namespace mamori::exchange {

namespace {

using nlohmann::json;

// Each measure's Japanese and English halves are adjacent literals, joined
// on purpose.
// NOLINTBEGIN(bugprone-suspicious-missing-comma)
std::vector<std::string> EnforcedMeasures(const Connection& c) {
  return {
      "相互認証: 双方がクライアント証明書を提示し、相手方の証明書を" +
          std::string(c.pin_kind == PinKind::kCertificate ? "証明書" : "公開鍵") + "のピン (" +
          c.pin + ") で照合する / mutual TLS, each end pinned to the other",
      "通信の暗号化: TLS 1.3 または TLS 1.2 ECDHE-AES-GCM のみ / TLS 1.3 or 1.2 ECDHE-AES-GCM only",
      "内容の暗号化: 相手方の証明書宛ての CMS AuthEnvelopedData (AES-256-GCM) で封をする / "
      "payload sealed to the counterpart's certificate",
      "承認された項目以外の項目は送受信を拒否し記録する / fields outside the item list are "
      "refused and audited",
      "送受信のたびに双方が提供記録を作成し、相手方の署名付き受領証跡 (ECDSA P-256) を保持する / "
      "provision records on both sides with the other's signed receipt",
      "データと鍵は国内 (JP) に保管し、国外を宣言するノードとは接続しない / data and keys kept "
      "in Japan",
      "漏えいのおそれがあるときは責任者が直ちに接続を停止し、相手方に通知する / the responsible "
      "person suspends the connection at once and the counterpart is notified"};
}
// NOLINTEND(bugprone-suspicious-missing-comma)

std::string ItemsJa(const std::vector<ItemFlow>& flows) {
  if (flows.empty()) return "なし / none";
  std::string out;
  for (const auto& f : flows) {
    if (!out.empty()) out += "\n    ";
    out += std::string(KindNameJa(f.kind)) + " (" + f.kind + ", " + f.dataset + "): ";
    for (size_t i = 0; i < f.items.size(); ++i) out += (i ? "、" : "") + f.items[i];
  }
  return out;
}

json CardFlows(const std::vector<ItemFlow>& flows) {
  json out = json::array();
  for (const auto& f : flows) {
    out.push_back({{"kind", f.kind},
                   {"kind_ja", KindNameJa(f.kind)},
                   {"dataset", f.dataset},
                   {"items", f.items}});
  }
  return out;
}

}  // namespace

json Card(const Connection& c) {
  std::vector<std::string> measures = EnforcedMeasures(c);
  measures.insert(measures.end(), c.security_measures.begin(), c.security_measures.end());
  return {{"form", "第5号様式 電算結合記録票"},
          {"connection", c.id},
          {"purpose", c.purpose},
          {"counterpart",
           {{"node", c.counterpart},
            {"name", c.counterpart_name},
            {"address", c.counterpart_address},
            {"role", RoleName(c.counterpart_role)},
            {"role_ja", RoleNameJa(c.counterpart_role)},
            {"location", c.location}}},
          {"local_role", RoleName(c.local_role)},
          {"connected_from", FormatUtc(c.valid_from)},
          {"connected_until", FormatUtc(c.valid_until)},
          {"approval", c.approval},
          {"legal_basis", c.legal_basis},
          {"items_sent", CardFlows(c.sends)},
          {"items_received", CardFlows(c.receives)},
          {"responsible", c.responsible},
          {"security_measures", measures},
          {"state", StateName(c.state)}};
}

std::string CardText(const Connection& c) {
  std::string t;
  t += "第5号様式 電算結合記録票 / connection card\n";
  t += "接続 / connection: " + c.id + "\n";
  t += "電算結合の目的 / purpose: " + c.purpose + "\n";
  t += "電算結合の相手方の住所および名称 / counterpart: " + c.counterpart_name;
  if (!c.counterpart_address.empty()) t += " " + c.counterpart_address;
  t += " (" + std::string(RoleNameJa(c.counterpart_role)) + ", node " + c.counterpart + ", 所在 " +
       c.location + ")\n";
  t += "結合年月日 / connected: " + FormatUtc(c.valid_from) + " 〜 " + FormatUtc(c.valid_until) +
       " (承認 / approval " + c.approval + ")\n";
  t += "法令上の根拠 / legal basis: " + c.legal_basis + "\n";
  t += "個人情報の記録項目 / items\n  【送信する項目 / sent】\n    " + ItemsJa(c.sends) + "\n";
  t += "  【受信する項目 / received】\n    " + ItemsJa(c.receives) + "\n";
  t += "個人情報保護管理責任者 / responsible: " + c.responsible + "\n";
  t += "安全管理措置 / security measures:\n";
  std::vector<std::string> measures = EnforcedMeasures(c);
  measures.insert(measures.end(), c.security_measures.begin(), c.security_measures.end());
  for (const auto& m : measures) t += "  ・" + m + "\n";
  t += "状態 / state: " +
       std::string(c.state == ConnectionState::kActive ? "接続中 / active" : "停止中 / suspended") +
       "\n";
  return t;
}

}  // namespace mamori::exchange
