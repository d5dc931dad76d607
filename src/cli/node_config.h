// The exchange node a data directory is (cli/cmd_exchange.cc): its name,
// role and location, kept in DATA/exchange/node.json by `mamori exchange
// init` so that every later command — serve, send, connection suspend —
// opens the same node (exchange/node.h). Nothing secret: the node's key is
// DATA/exchange/node.key (0600), made by exchange/node_identity.h.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "engine/engine.h"
#include "exchange/node.h"

namespace mamori::cli {

// DATA/exchange
std::string ExchangeDir(const std::string& data_dir);

// Writes DATA/exchange/node.json. kAlreadyExists when it exists with
// another name or role (a node does not change what it is).
Status WriteNodeConfig(const std::string& data_dir, const exchange::NodeConfig& config);

// Reads it back; kNotFound naming "node" when the directory is no node
// (run `mamori exchange init`), kDataLoss when the file does not parse.
Result<exchange::NodeConfig> ReadNodeConfig(const std::string& data_dir);

// The node of `engine`'s data directory (ReadNodeConfig, Node::Open).
Result<std::unique_ptr<exchange::Node>> OpenNode(engine::Engine& engine,
                                                 const std::string& data_dir);

}  // namespace mamori::cli
