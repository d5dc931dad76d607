#include "crypto/cms_writer.h"

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "crypto/openssl_util.h"

namespace mamori::crypto {

namespace {

using CmsPtr = std::unique_ptr<CMS_ContentInfo, internal::Deleter<&CMS_ContentInfo_free>>;

Status WriteFailed() {
  ERR_clear_error();
  return Status::IoError("cannot write the encrypted file", "暗号化ファイルを書き込めません",
                         "file");
}

// Sets the CRYPTREC parameters on a recipient info added with CMS_KEY_PARAM,
// before the structure is finalised (when OpenSSL reads them).
Status SetKeyParameters(CMS_RecipientInfo* ri, RecipientCertificate::KeyKind kind) {
  EVP_PKEY_CTX* pctx = CMS_RecipientInfo_get0_pkey_ctx(ri);
  if (pctx == nullptr) return internal::OpensslError("CMS_RecipientInfo_get0_pkey_ctx");
  if (kind == RecipientCertificate::KeyKind::kRsa) {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_OAEP_PADDING) <= 0 ||
        EVP_PKEY_CTX_set_rsa_oaep_md(pctx, EVP_sha256()) <= 0 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) <= 0) {
      return internal::OpensslError("RSA-OAEP parameters");
    }
  } else {
    if (EVP_PKEY_CTX_set_ecdh_kdf_md(pctx, EVP_sha256()) <= 0) {
      return internal::OpensslError("ECDH KDF parameters");
    }
  }
  return Status::Ok();
}

}  // namespace

struct CmsWriter::Impl {
  CmsPtr cms;
  BIO* chain = nullptr;  // the content BIO chain, ending in the fd BIO
  bool failed = false;
  bool finished = false;
  bool wrote = false;
  ~Impl() {
    if (chain != nullptr) BIO_free_all(chain);
  }
};

CmsWriter::CmsWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CmsWriter::~CmsWriter() = default;

Result<std::unique_ptr<CmsWriter>> CmsWriter::Begin(int fd, const RecipientCertificate& recipient) {
  auto impl = std::make_unique<Impl>();
  const EVP_CIPHER* cipher = internal::Aes256GcmCipher();
  if (cipher == nullptr) return Fail(internal::OpensslError("fetching AES-256-GCM"));
  // CMS_PARTIAL: recipients and their parameters are added before the
  // structure is finalised; CMS_STREAM: the content is encrypted as it is
  // written; CMS_BINARY: the content is bytes, never translated to CRLF.
  impl->cms.reset(CMS_encrypt_ex(nullptr, nullptr, cipher, CMS_STREAM | CMS_PARTIAL | CMS_BINARY,
                                 nullptr, nullptr));
  if (!impl->cms) return Fail(internal::OpensslError("CMS_encrypt_ex"));
  CMS_RecipientInfo* ri = CMS_add1_recipient_cert(
      impl->cms.get(), static_cast<X509*>(recipient.Native()), CMS_KEY_PARAM);
  if (ri == nullptr) return Fail(internal::OpensslError("CMS_add1_recipient_cert"));
  MAMORI_RETURN_IF_ERROR(SetKeyParameters(ri, recipient.Kind()));

  BIO* out = BIO_new_fd(fd, BIO_NOCLOSE);
  if (out == nullptr) return Fail(internal::OpensslError("BIO_new_fd"));
  // Writes the header and returns the BIO the content goes into; from here
  // `out` belongs to the chain (freed with it).
  impl->chain = BIO_new_CMS(out, impl->cms.get());
  if (impl->chain == nullptr) {
    BIO_free(out);
    if (ERR_peek_error() != 0) return Fail(internal::OpensslError("BIO_new_CMS"));
    return Fail(WriteFailed());
  }
  return std::unique_ptr<CmsWriter>(new CmsWriter(std::move(impl)));
}

Status CmsWriter::Write(std::string_view content) {
  if (impl_->failed || impl_->finished) {
    return Status::FailedPrecondition("the encrypted file is already closed or failed",
                                      "暗号化ファイルは既に閉じられたか失敗しています", "file");
  }
  while (!content.empty()) {
    const int n = static_cast<int>(std::min<size_t>(content.size(), 1 << 20));
    const int written = BIO_write(impl_->chain, content.data(), n);
    if (written <= 0) {
      impl_->failed = true;
      return WriteFailed();
    }
    content.remove_prefix(static_cast<size_t>(written));
    impl_->wrote = true;
  }
  return Status::Ok();
}

Status CmsWriter::Finish() {
  if (impl_->failed || impl_->finished) {
    return Status::FailedPrecondition("the encrypted file is already closed or failed",
                                      "暗号化ファイルは既に閉じられたか失敗しています", "file");
  }
  if (!impl_->wrote) {
    return Status::FailedPrecondition("the encrypted content is empty", "暗号化する内容が空です",
                                      "file");
  }
  impl_->finished = true;
  // The flush finalises: the last block, the GCM tag into the structure, and
  // the end of the indefinite-length encoding.
  if (BIO_flush(impl_->chain) != 1) {
    impl_->failed = true;
    if (ERR_peek_error() != 0) return internal::OpensslError("finalising the CMS structure");
    return WriteFailed();
  }
  BIO_free_all(impl_->chain);
  impl_->chain = nullptr;
  return Status::Ok();
}

}  // namespace mamori::crypto
