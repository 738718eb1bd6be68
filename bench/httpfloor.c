/*
 * httpfloor.c — the floor for bench/agent.sh's fetch figures (built by `make bench` into
 * build/httpfloor: gcc -O2).
 *
 *   httpfloor PORTFILE
 *
 * The least an HTTP server on this machine can do per fetch, measured with the same client
 * (build/fetchload) in the same run as `awsrole serve`: one thread, epoll, listens on
 * 127.0.0.1 (port 0; the port is written to PORTFILE once it listens), reads each connection
 * until CRLF CRLF, answers one fixed 200 JSON body of the size serve's answer has, closes.
 * No parsing, no token check, no logging: whatever serve costs beyond this is serve's own.
 * Runs until killed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define HF_EVENTS 64

static const char hf_body[] =
    "{\"AccessKeyId\":\"ASIAFLOOREXAMPLE\","
    "\"SecretAccessKey\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\","
    "\"Token\":\"tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt"
    "tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt"
    "tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt"
    "tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt\","
    "\"Expiration\":\"2026-12-02T12:00:00Z\",\"AccountId\":\"111111111111\"}";

int
main(int argc, char **argv)
{
	struct sockaddr_in a;
	struct epoll_event ev, evs[HF_EVENTS];
	socklen_t alen = sizeof(a);
	char resp[2048], buf[16384];
	int ls, ep, rl, one = 1, i, n, fd;
	FILE *pf;

	if (argc != 2) {
		fprintf(stderr, "usage: httpfloor PORTFILE\n");
		return 2;
	}
	rl = snprintf(resp, sizeof(resp), "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s", strlen(hf_body), hf_body);
	ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	(void)setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(ls, 1024) != 0 ||
	    getsockname(ls, (struct sockaddr *)&a, &alen) != 0) {
		perror("httpfloor: listen");
		return 1;
	}
	if ((pf = fopen(argv[1], "w")) == NULL || fprintf(pf, "%d\n", ntohs(a.sin_port)) < 0 ||
	    fclose(pf) != 0) {
		perror("httpfloor: PORTFILE");
		return 1;
	}
	ep = epoll_create1(EPOLL_CLOEXEC);
	ev.events = EPOLLIN;
	ev.data.fd = ls;
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev) != 0) {
		perror("httpfloor: epoll");
		return 1;
	}
	for (;;) {
		n = epoll_wait(ep, evs, HF_EVENTS, -1);
		if (n < 0 && errno != EINTR) {
			perror("httpfloor: epoll_wait");
			return 1;
		}
		for (i = 0; i < n; i++) {
			ssize_t r;

			if (evs[i].data.fd == ls) {
				while ((fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
					ev.events = EPOLLIN;
					ev.data.fd = fd;
					if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0)
						close(fd);
				}
				continue;
			}
			fd = evs[i].data.fd;
			r = recv(fd, buf, sizeof(buf), 0);
			if (r < 0 && errno == EAGAIN)
				continue;
			/* a head in one segment (fetchload sends it in one send) */
			if (r > 0 && memmem(buf, (size_t)r, "\r\n\r\n", 4) == NULL)
				continue;
			if (r > 0)
				(void)!send(fd, resp, (size_t)rl, MSG_NOSIGNAL);
			close(fd);
		}
	}
}
