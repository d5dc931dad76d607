#include "crypto/cms_seal.h"

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <sys/mman.h>
#include <unistd.h>

#include "crypto/cms_writer.h"
#include "crypto/openssl_util.h"

namespace mamori::crypto {

namespace {

using CmsPtr = std::unique_ptr<CMS_ContentInfo, internal::Deleter<&CMS_ContentInfo_free>>;
using BioAllPtr = std::unique_ptr<BIO, internal::Deleter<&BIO_free_all>>;

Status NotOpened() {
  ERR_clear_error();
  return Status::DataLoss(
      "the sealed message cannot be opened (not for this node, or altered)",
      "封をされたメッセージを開けません (このノード宛てでないか改ざんされています)", "sealed");
}

// Closes the descriptor on every path.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

Result<std::string> SealToRecipient(std::string_view content,
                                    const RecipientCertificate& recipient) {
  // An anonymous memory file: CmsWriter streams to a descriptor, and a
  // memfd keeps the ciphertext in memory without a temporary file on disk.
  Fd file{::memfd_create("mamori-seal", MFD_CLOEXEC)};
  if (file.fd < 0) {
    return Fail(Status::IoError("cannot create a memory file for sealing",
                                "封をするためのメモリファイルを作成できません", "sealed"));
  }
  MAMORI_ASSIGN_OR_RETURN(auto writer, CmsWriter::Begin(file.fd, recipient));
  MAMORI_RETURN_IF_ERROR(writer->Write(content));
  MAMORI_RETURN_IF_ERROR(writer->Finish());
  const off_t size = ::lseek(file.fd, 0, SEEK_END);
  if (size < 0 || ::lseek(file.fd, 0, SEEK_SET) != 0) {
    return Fail(Status::IoError("cannot read the sealed message back",
                                "封をしたメッセージを読み戻せません", "sealed"));
  }
  std::string out(static_cast<size_t>(size), '\0');
  size_t got = 0;
  while (got < out.size()) {
    const ssize_t n = ::read(file.fd, out.data() + got, out.size() - got);
    if (n <= 0) {
      return Fail(Status::IoError("cannot read the sealed message back",
                                  "封をしたメッセージを読み戻せません", "sealed"));
    }
    got += static_cast<size_t>(n);
  }
  return out;
}

Result<SecretBytes> OpenSealed(std::string_view der, const SecretBytes& private_key_pem,
                               const RecipientCertificate& own) {
  ERR_clear_error();
  internal::BioPtr in(BIO_new_mem_buf(der.data(), static_cast<int>(der.size())));
  if (!in) return Fail(internal::OpensslError("BIO_new_mem_buf"));
  CmsPtr cms(d2i_CMS_bio(in.get(), nullptr));
  if (!cms) return Fail(NotOpened());
  if (OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_id_smime_ct_authEnvelopedData) {
    return Fail(NotOpened());
  }
  internal::BioPtr key_bio(
      BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size())));
  if (!key_bio) return Fail(internal::OpensslError("BIO_new_mem_buf"));
  internal::PkeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (!key) {
    ERR_clear_error();
    return Fail(Status::InvalidArgument("the node's private key cannot be read",
                                        "ノードの秘密鍵を読み込めません", "private_key"));
  }
  // The plaintext goes to the secure heap's memory BIO, then to SecretBytes.
  BioAllPtr out(BIO_new(BIO_s_secmem()));
  if (!out) return Fail(internal::OpensslError("BIO_new"));
  if (CMS_decrypt(cms.get(), key.get(), static_cast<X509*>(own.Native()), nullptr, out.get(),
                  CMS_BINARY) != 1) {
    return Fail(NotOpened());
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(out.get(), &data);
  if (len <= 0 || data == nullptr) return Fail(NotOpened());
  return SecretBytes(std::string_view(data, static_cast<size_t>(len)));
}

}  // namespace mamori::crypto
