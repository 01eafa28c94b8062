/* bench/coldstart/baseline.c — the floor for cold start: a C program that does one libcurl
 * POST to the same ssm-cache-local and prints the first line of the answer. No signing, no
 * JSON, no C++ runtime: what any libcurl client pays to load, connect and exchange once.
 * Usage: coldstart_baseline URL (the server answers 400/403: unsigned; that is one exchange). */
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

static size_t on_body(char* data, size_t size, size_t count, void* user) {
  (void)user;
  fwrite(data, size, count, stdout);
  return size * count;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fputs("usage: coldstart_baseline URL\n", stderr);
    return 2;
  }
  CURL* h = curl_easy_init();
  if (h == NULL) return 1;
  struct curl_slist* headers = NULL;
  headers = curl_slist_append(headers, "Content-Type: application/x-amz-json-1.1");
  headers = curl_slist_append(headers, "X-Amz-Target: AmazonSSM.GetParameter");
  curl_easy_setopt(h, CURLOPT_URL, argv[1]);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, "{\"Name\":\"/bench/one\"}");
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  const CURLcode rc = curl_easy_perform(h);
  fputc('\n', stdout);
  curl_slist_free_all(headers);
  curl_easy_cleanup(h);
  if (rc != CURLE_OK) {
    fprintf(stderr, "coldstart_baseline: %s\n", curl_easy_strerror(rc));
    return 1;
  }
  return 0;
}
