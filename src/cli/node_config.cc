#include "cli/node_config.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace mamori::cli {

using nlohmann::json;

namespace {

std::string ConfigPath(const std::string& data_dir) { return ExchangeDir(data_dir) + "/node.json"; }

Status Malformed() {
  return Status::DataLoss("exchange/node.json is malformed",
                          "exchange/node.json の形式が正しくありません", "node");
}

}  // namespace

std::string ExchangeDir(const std::string& data_dir) { return data_dir + "/exchange"; }

Status WriteNodeConfig(const std::string& data_dir, const exchange::NodeConfig& config) {
  if (auto existing = ReadNodeConfig(data_dir)) {
    if (existing->name == config.name && existing->role == config.role) return Status::Ok();
    return Status::AlreadyExists("this data directory is already another exchange node",
                                 "このデータディレクトリは既に別の交換ノードです", "node");
  }
  std::error_code ec;
  std::filesystem::create_directories(ExchangeDir(data_dir), ec);
  std::filesystem::permissions(ExchangeDir(data_dir), std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);
  const json j = {{"name", config.name},
                  {"role", exchange::RoleName(config.role)},
                  {"location", config.location},
                  {"hosts", config.hosts}};
  const std::string path = ConfigPath(data_dir);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << j.dump(2) << "\n";
    if (!out.flush()) {
      return Status::IoError("cannot write exchange/node.json",
                             "exchange/node.json を書き込めません", "node");
    }
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    return Status::IoError("cannot write exchange/node.json", "exchange/node.json を書き込めません",
                           "node");
  }
  return Status::Ok();
}

Result<exchange::NodeConfig> ReadNodeConfig(const std::string& data_dir) {
  std::ifstream in(ConfigPath(data_dir), std::ios::binary);
  if (!in) {
    return Fail(
        Status::NotFound("this data directory is no exchange node (run mamori exchange init)",
                         "このデータディレクトリは交換ノードではありません (mamori exchange init "
                         "を実行してください)",
                         "node"));
  }
  std::stringstream text;
  text << in.rdbuf();
  const json j = json::parse(text.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("name") || !j["name"].is_string() ||
      !j.contains("role") || !j["role"].is_string() || !j.contains("location") ||
      !j["location"].is_string()) {
    return Fail(Malformed());
  }
  exchange::NodeConfig c;
  c.name = j["name"].get<std::string>();
  auto role = exchange::ParseRole(j["role"].get<std::string>());
  if (!role) return Fail(Malformed());
  c.role = *role;
  c.location = j["location"].get<std::string>();
  if (j.contains("hosts") && j["hosts"].is_array()) {
    for (const auto& h : j["hosts"]) {
      if (h.is_string()) c.hosts.push_back(h.get<std::string>());
    }
  }
  c.dir = ExchangeDir(data_dir);
  return c;
}

Result<std::unique_ptr<exchange::Node>> OpenNode(engine::Engine& engine,
                                                 const std::string& data_dir) {
  MAMORI_ASSIGN_OR_RETURN(exchange::NodeConfig config, ReadNodeConfig(data_dir));
  return exchange::Node::Open(engine, std::move(config));
}

}  // namespace mamori::cli
