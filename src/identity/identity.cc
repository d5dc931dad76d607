#include "identity/identity.h"

namespace mamori::identity {

Identity::Identity(std::unique_ptr<Directory> directory)
    : directory_(std::move(directory)),
      authenticator_(*directory_),
      service_accounts_(directory_->storage()),
      terminals_(directory_->storage()) {}

Result<std::unique_ptr<Identity>> Identity::Open(store::Storage& store,
                                                 const crypto::SecretBytes& key,
                                                 IdentityOptions options) {
  MAMORI_ASSIGN_OR_RETURN(auto directory, Directory::Open(store, key, std::move(options)));
  return std::unique_ptr<Identity>(new Identity(std::move(directory)));
}

}  // namespace mamori::identity
