;; Dense linear-algebra kernels of the simulator, hand-written WebAssembly text with 128-bit SIMD
;; (f32x4, no relaxed SIMD / FMA: that is still behind a flag in Node 20). Compiled by
;; scripts/build-wasm.mjs (wabt) into kernels-wasm.generated.ts; see docs/engine-kernels.md.
;;
;; Every GEMM variant of engine/sim/kernels.ts is one generalised product
;;     C(M×N) (+)= A'(M×K) · B'(K×N)
;; where A' and B' are addressed through byte strides, so a transpose is only a change of strides:
;;     A'(r, q) = mem[a + r·sar + q·saq]      B'(q, j) = mem[b + q·sq + j·sj]
;; and C is row-major with a leading dimension ldc (in elements). All pointers are byte offsets
;; into the one shared memory. Summation order for an element of C is always q = 0, 1, … K−1
;; (with KC blocks continuing from the stored partial sum), whichever tile or thread computes it,
;; so results do not depend on how the output is split between threads.
(module
  (import "env" "memory" (memory 1 16384 shared))

  ;; Depth of one K block: a packed 8-column panel of B' is KC·32 bytes = 8 KiB (fits L1 beside A).
  (global $KC i32 (i32.const 256))
  ;; Columns of C per packed block: 16 panels, 128 KiB of packed B' (stays in L2).
  (global $NC i32 (i32.const 128))

  ;; Packs B'(q, j), q < kc, j < w (w ≤ 8) into dst as kc rows of 8 floats, zero-padding j ≥ w.
  (func $pack (param $b i32) (param $sq i32) (param $sj i32) (param $kc i32) (param $w i32)
    (param $dst i32)
    (local $q i32) (local $j i32) (local $src i32)
    (if (i32.and (i32.eq (local.get $sj) (i32.const 4)) (i32.eq (local.get $w) (i32.const 8)))
      (then
        ;; Fast path: eight contiguous floats per row of B'.
        (block $done
          (loop $rows
            (br_if $done (i32.ge_u (local.get $q) (local.get $kc)))
            (v128.store (local.get $dst) (v128.load (local.get $b)))
            (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $b)))
            (local.set $b (i32.add (local.get $b) (local.get $sq)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $rows)))
        (return)))
    ;; General strides (the transposed operand of gemmNT) or a narrow edge panel.
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $q) (local.get $kc)))
        (v128.store (local.get $dst) (v128.const i32x4 0 0 0 0))
        (v128.store offset=16 (local.get $dst) (v128.const i32x4 0 0 0 0))
        (local.set $src (local.get $b))
        (local.set $j (i32.const 0))
        (block $cols_done
          (loop $cols
            (br_if $cols_done (i32.ge_u (local.get $j) (local.get $w)))
            (f32.store
              (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2)))
              (f32.load (local.get $src)))
            (local.set $src (i32.add (local.get $src) (local.get $sj)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $cols)))
        (local.set $b (i32.add (local.get $b) (local.get $sq)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $rows))))

  ;; The register-blocked micro-kernel: a 4×8 tile of C held in eight f32x4 registers while q runs
  ;; over kc (not unrolled: with two steps per iteration TurboFan hoists all their loads and spills
  ;; accumulators to the stack, 25% slower; checked with node --print-wasm-code). pa is a packed 4-row block of A' (16 bytes per q: A'(0..3, q)), bp a
  ;; packed panel of B' (32 bytes per q). load = 1 adds to the tile already in C; 0 overwrites it.
  (func $micro (param $pa i32) (param $bp i32) (param $kc i32) (param $c i32) (param $ldcb i32)
    (param $load i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $t v128) (local $end i32) (local $cr i32)
    (if (local.get $load)
      (then
        (local.set $cr (local.get $c))
        (local.set $c00 (v128.load (local.get $cr)))
        (local.set $c01 (v128.load offset=16 (local.get $cr)))
        (local.set $cr (i32.add (local.get $cr) (local.get $ldcb)))
        (local.set $c10 (v128.load (local.get $cr)))
        (local.set $c11 (v128.load offset=16 (local.get $cr)))
        (local.set $cr (i32.add (local.get $cr) (local.get $ldcb)))
        (local.set $c20 (v128.load (local.get $cr)))
        (local.set $c21 (v128.load offset=16 (local.get $cr)))
        (local.set $cr (i32.add (local.get $cr) (local.get $ldcb)))
        (local.set $c30 (v128.load (local.get $cr)))
        (local.set $c31 (v128.load offset=16 (local.get $cr)))))
    (local.set $end (i32.add (local.get $bp) (i32.shl (local.get $kc) (i32.const 5))))
    (block $done
      (loop $k
        (br_if $done (i32.ge_u (local.get $bp) (local.get $end)))
        (local.set $b0 (v128.load (local.get $bp)))
        (local.set $b1 (v128.load offset=16 (local.get $bp)))
        (local.set $t (v128.load32_splat offset=0 (local.get $pa)))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $t) (local.get $b0))))
        (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $t) (local.get $b1))))
        (local.set $t (v128.load32_splat offset=4 (local.get $pa)))
        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $t) (local.get $b0))))
        (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $t) (local.get $b1))))
        (local.set $t (v128.load32_splat offset=8 (local.get $pa)))
        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $t) (local.get $b0))))
        (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $t) (local.get $b1))))
        (local.set $t (v128.load32_splat offset=12 (local.get $pa)))
        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $t) (local.get $b0))))
        (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $t) (local.get $b1))))
        (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
        (local.set $bp (i32.add (local.get $bp) (i32.const 32)))
        (br $k)))
    (local.set $cr (local.get $c))
    (v128.store (local.get $cr) (local.get $c00))
    (v128.store offset=16 (local.get $cr) (local.get $c01))
    (local.set $cr (i32.add (local.get $cr) (local.get $ldcb)))
    (v128.store (local.get $cr) (local.get $c10))
    (v128.store offset=16 (local.get $cr) (local.get $c11))
    (local.set $cr (i32.add (local.get $cr) (local.get $ldcb)))
    (v128.store (local.get $cr) (local.get $c20))
    (v128.store offset=16 (local.get $cr) (local.get $c21))
    (local.set $cr (i32.add (local.get $cr) (local.get $ldcb)))
    (v128.store (local.get $cr) (local.get $c30))
    (v128.store offset=16 (local.get $cr) (local.get $c31)))

  ;; The micro-kernel over a compressed block of A': only the cnt values of q where some of the four
  ;; rows is non-zero, their q in idx (i32 each); the panel row is fetched by q. Same per-element
  ;; order of operations as $micro minus the all-zero steps, which add nothing.
  (func $micro_sparse (param $pa i32) (param $idx i32) (param $cnt i32) (param $bp i32) (param $c i32)
    (param $ldcb i32) (param $load i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $t v128) (local $end i32) (local $cr i32) (local $row i32)
    (if (local.get $load)
      (then
        (local.set $cr (local.get $c))
        (local.set $c00 (v128.load (local.get $cr)))
        (local.set $c01 (v128.load offset=16 (local.get $cr)))
        (local.set $cr (i32.add (local.get $cr) (local.get $ldcb)))
        (local.set $c10 (v128.load (local.get $cr)))
        (local.set $c11 (v128.load offset=16 (local.get $cr)))
        (local.set $cr (i32.add (local.get $cr) (local.get $ldcb)))
        (local.set $c20 (v128.load (local.get $cr)))
        (local.set $c21 (v128.load offset=16 (local.get $cr)))
        (local.set $cr (i32.add (local.get $cr) (local.get $ldcb)))
        (local.set $c30 (v128.load (local.get $cr)))
        (local.set $c31 (v128.load offset=16 (local.get $cr)))))
    (local.set $end (i32.add (local.get $idx) (i32.shl (local.get $cnt) (i32.const 2))))
    (block $done
      (loop $k
        (br_if $done (i32.ge_u (local.get $idx) (local.get $end)))
        (local.set $row (i32.add (local.get $bp) (i32.shl (i32.load (local.get $idx)) (i32.const 5))))
        (local.set $b0 (v128.load (local.get $row)))
        (local.set $b1 (v128.load offset=16 (local.get $row)))
        (local.set $t (v128.load32_splat offset=0 (local.get $pa)))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $t) (local.get $b0))))
        (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $t) (local.get $b1))))
        (local.set $t (v128.load32_splat offset=4 (local.get $pa)))
        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $t) (local.get $b0))))
        (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $t) (local.get $b1))))
        (local.set $t (v128.load32_splat offset=8 (local.get $pa)))
        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $t) (local.get $b0))))
        (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $t) (local.get $b1))))
        (local.set $t (v128.load32_splat offset=12 (local.get $pa)))
        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $t) (local.get $b0))))
        (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $t) (local.get $b1))))
        (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
        (local.set $idx (i32.add (local.get $idx) (i32.const 4)))
        (br $k)))
    (local.set $cr (local.get $c))
    (v128.store (local.get $cr) (local.get $c00))
    (v128.store offset=16 (local.get $cr) (local.get $c01))
    (local.set $cr (i32.add (local.get $cr) (local.get $ldcb)))
    (v128.store (local.get $cr) (local.get $c10))
    (v128.store offset=16 (local.get $cr) (local.get $c11))
    (local.set $cr (i32.add (local.get $cr) (local.get $ldcb)))
    (v128.store (local.get $cr) (local.get $c20))
    (v128.store offset=16 (local.get $cr) (local.get $c21))
    (local.set $cr (i32.add (local.get $cr) (local.get $ldcb)))
    (v128.store (local.get $cr) (local.get $c30))
    (v128.store offset=16 (local.get $cr) (local.get $c31)))

  ;; Packs the 4-row block of A' (rows ≤ 4 valid, missing rows read as 0) into dst as groups of four
  ;; floats A'(0..3, q), keeping only the q where some row is non-zero (their q go to idx), and
  ;; returns how many were kept: kc means dense, 0 means the block adds nothing. Blank pixels of
  ;; MNIST (≈ 81% of values, whole borders across a batch) and ReLU zeros are dropped here.
  (func $pack_a (param $a i32) (param $sar i32) (param $saq i32) (param $rows i32) (param $kc i32)
    (param $dst i32) (param $idx i32) (result i32)
    (local $q i32) (local $cnt i32) (local $v v128) (local $x0 i32) (local $x1 i32) (local $x2 i32)
    (local $x3 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32)
    (if (i32.and (i32.eq (local.get $sar) (i32.const 4)) (i32.eq (local.get $rows) (i32.const 4)))
      (then
        ;; A' = Aᵀ (gemmTN): the four rows of a column are adjacent floats.
        (block $done
          (loop $l
            (br_if $done (i32.ge_u (local.get $q) (local.get $kc)))
            (local.set $v (v128.load (local.get $a)))
            (if (v128.any_true (local.get $v))
              (then
                (v128.store (i32.add (local.get $dst) (i32.shl (local.get $cnt) (i32.const 4)))
                  (local.get $v))
                (i32.store (i32.add (local.get $idx) (i32.shl (local.get $cnt) (i32.const 2)))
                  (local.get $q))
                (local.set $cnt (i32.add (local.get $cnt) (i32.const 1)))))
            (local.set $a (i32.add (local.get $a) (local.get $saq)))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $l)))
        (return (local.get $cnt))))
    (local.set $a1 (i32.add (local.get $a) (local.get $sar)))
    (local.set $a2 (i32.add (local.get $a1) (local.get $sar)))
    (local.set $a3 (i32.add (local.get $a2) (local.get $sar)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $q) (local.get $kc)))
        (local.set $x0 (i32.load (local.get $a)))
        (if (i32.eq (local.get $rows) (i32.const 4))
          (then
            (local.set $x1 (i32.load (local.get $a1)))
            (local.set $x2 (i32.load (local.get $a2)))
            (local.set $x3 (i32.load (local.get $a3))))
          (else
            ;; Rows past the end of A' are never read (they may lie outside the memory).
            (if (i32.gt_u (local.get $rows) (i32.const 1)) (then (local.set $x1 (i32.load (local.get $a1)))))
            (if (i32.gt_u (local.get $rows) (i32.const 2)) (then (local.set $x2 (i32.load (local.get $a2)))))))
        (if (i32.or (i32.or (local.get $x0) (local.get $x1)) (i32.or (local.get $x2) (local.get $x3)))
          (then
            (local.set $v (i32x4.replace_lane 3
              (i32x4.replace_lane 2
                (i32x4.replace_lane 1 (i32x4.splat (local.get $x0)) (local.get $x1))
                (local.get $x2))
              (local.get $x3)))
            (v128.store (i32.add (local.get $dst) (i32.shl (local.get $cnt) (i32.const 4)))
              (local.get $v))
            (i32.store (i32.add (local.get $idx) (i32.shl (local.get $cnt) (i32.const 2)))
              (local.get $q))
            (local.set $cnt (i32.add (local.get $cnt) (i32.const 1)))))
        (local.set $a (i32.add (local.get $a) (local.get $saq)))
        (local.set $a1 (i32.add (local.get $a1) (local.get $saq)))
        (local.set $a2 (i32.add (local.get $a2) (local.get $saq)))
        (local.set $a3 (i32.add (local.get $a3) (local.get $saq)))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $l)))
    (local.get $cnt))

  ;; Clears rows×cols floats of C (row stride ldcb bytes).
  (func $zero_rows (param $c i32) (param $ldcb i32) (param $rows i32) (param $cols i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $rows)))
        (memory.fill (local.get $c) (i32.const 0) (i32.shl (local.get $cols) (i32.const 2)))
        (local.set $c (i32.add (local.get $c) (local.get $ldcb)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $l))))

  ;; Copies a rows×cols tile between C (row stride ldcb bytes) and a dense 4×8 scratch tile.
  (func $tile_copy (param $src i32) (param $srcStride i32) (param $dst i32) (param $dstStride i32)
    (param $rows i32) (param $cols i32)
    (local $r i32) (local $j i32)
    (block $done
      (loop $rl
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $cd
          (loop $cl
            (br_if $cd (i32.ge_u (local.get $j) (local.get $cols)))
            (f32.store
              (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2)))
              (f32.load (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 2)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $cl)))
        (local.set $src (i32.add (local.get $src) (local.get $srcStride)))
        (local.set $dst (i32.add (local.get $dst) (local.get $dstStride)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rl))))

  ;; A partial tile (cols < 8 or rows < 4): run the same micro-kernel on a 4×8 scratch tile, so the
  ;; arithmetic per element is identical to a full tile; rows and columns outside C are dropped.
  (func $edge (param $pa i32) (param $idx i32) (param $cnt i32) (param $bp i32) (param $kc i32)
    (param $c i32) (param $ldcb i32) (param $load i32) (param $rows i32) (param $cols i32)
    (param $tmp i32)
    (v128.store (local.get $tmp) (v128.const i32x4 0 0 0 0))
    (v128.store offset=16 (local.get $tmp) (v128.const i32x4 0 0 0 0))
    (v128.store offset=32 (local.get $tmp) (v128.const i32x4 0 0 0 0))
    (v128.store offset=48 (local.get $tmp) (v128.const i32x4 0 0 0 0))
    (v128.store offset=64 (local.get $tmp) (v128.const i32x4 0 0 0 0))
    (v128.store offset=80 (local.get $tmp) (v128.const i32x4 0 0 0 0))
    (v128.store offset=96 (local.get $tmp) (v128.const i32x4 0 0 0 0))
    (v128.store offset=112 (local.get $tmp) (v128.const i32x4 0 0 0 0))
    (if (local.get $load)
      (then (call $tile_copy (local.get $c) (local.get $ldcb) (local.get $tmp) (i32.const 32)
        (local.get $rows) (local.get $cols))))
    (if (i32.eq (local.get $cnt) (local.get $kc))
      (then (call $micro (local.get $pa) (local.get $bp) (local.get $kc) (local.get $tmp)
        (i32.const 32) (i32.const 1)))
      (else (call $micro_sparse (local.get $pa) (local.get $idx) (local.get $cnt) (local.get $bp)
        (local.get $tmp) (i32.const 32) (i32.const 1))))
    (call $tile_copy (local.get $tmp) (i32.const 32) (local.get $c) (local.get $ldcb)
      (local.get $rows) (local.get $cols)))

  ;; C(M×N) (+)= A'·B' with packing and register blocking (the general path, any M ≥ 1).
  ;; scratch: this thread's work area: 128 bytes of edge tile, 4·KC·4 bytes of packed A', KC·4 bytes
  ;; of its q indices,
  ;; NC/8·KC·32 bytes of packed B'.
  (func (export "gemm_core") (param $M i32) (param $N i32) (param $K i32)
    (param $a i32) (param $sar i32) (param $saq i32) (param $b i32) (param $sq i32) (param $sj i32)
    (param $c i32) (param $ldc i32) (param $acc i32) (param $scratch i32)
    (local $pc i32) (local $kc i32) (local $load i32) (local $jc i32) (local $nc i32)
    (local $jp i32) (local $i i32) (local $ldcb i32) (local $packed i32) (local $panel i32)
    (local $ai i32) (local $ci i32) (local $rows i32) (local $cols i32) (local $w i32)
    (local $packedA i32) (local $idxA i32) (local $cnt i32)
    (local.set $ldcb (i32.shl (local.get $ldc) (i32.const 2)))
    (local.set $packedA (i32.add (local.get $scratch) (i32.const 128)))
    (local.set $idxA (i32.add (local.get $scratch) (i32.const 4224)))
    (local.set $packed (i32.add (local.get $scratch) (i32.const 5248)))
    (block $k_done
      (loop $k_blocks
        (br_if $k_done (i32.ge_u (local.get $pc) (local.get $K)))
        (local.set $kc (i32.sub (local.get $K) (local.get $pc)))
        (if (i32.gt_u (local.get $kc) (global.get $KC)) (then (local.set $kc (global.get $KC))))
        (local.set $load (i32.or (local.get $acc) (i32.ne (local.get $pc) (i32.const 0))))
        (local.set $jc (i32.const 0))
        (block $n_done
          (loop $n_blocks
            (br_if $n_done (i32.ge_u (local.get $jc) (local.get $N)))
            (local.set $nc (i32.sub (local.get $N) (local.get $jc)))
            (if (i32.gt_u (local.get $nc) (global.get $NC)) (then (local.set $nc (global.get $NC))))
            ;; Pack the kc×nc block of B' as 8-column panels.
            (local.set $jp (i32.const 0))
            (block $p_done
              (loop $panels
                (br_if $p_done (i32.ge_u (local.get $jp) (local.get $nc)))
                (local.set $w (i32.sub (local.get $nc) (local.get $jp)))
                (if (i32.gt_u (local.get $w) (i32.const 8)) (then (local.set $w (i32.const 8))))
                (call $pack
                  (i32.add (i32.add (local.get $b) (i32.mul (local.get $pc) (local.get $sq)))
                    (i32.mul (i32.add (local.get $jc) (local.get $jp)) (local.get $sj)))
                  (local.get $sq) (local.get $sj) (local.get $kc) (local.get $w)
                  (i32.add (local.get $packed)
                    (i32.mul (i32.shr_u (local.get $jp) (i32.const 3))
                      (i32.shl (local.get $kc) (i32.const 5)))))
                (local.set $jp (i32.add (local.get $jp) (i32.const 8)))
                (br $panels)))
            ;; Sweep the rows of A' four at a time across the packed panels.
            (local.set $i (i32.const 0))
            (block $i_done
              (loop $rows_l
                (br_if $i_done (i32.ge_u (local.get $i) (local.get $M)))
                (local.set $rows (i32.sub (local.get $M) (local.get $i)))
                (if (i32.gt_u (local.get $rows) (i32.const 4)) (then (local.set $rows (i32.const 4))))
                (local.set $ai (i32.add (local.get $a)
                  (i32.add (i32.mul (local.get $i) (local.get $sar))
                    (i32.mul (local.get $pc) (local.get $saq)))))
                (local.set $jp (i32.const 0))
                ;; An all-zero block of A' (border pixels of a batch, dead ReLUs) adds nothing: keep C,
                ;; or clear it when this is the first K block and C is not accumulated into.
                (local.set $cnt (call $pack_a (local.get $ai) (local.get $sar) (local.get $saq)
                  (local.get $rows) (local.get $kc) (local.get $packedA) (local.get $idxA)))
                (if (i32.eqz (local.get $cnt))
                  (then
                    (if (i32.eqz (local.get $load))
                      (then (call $zero_rows
                        (i32.add (local.get $c) (i32.shl
                          (i32.add (i32.mul (local.get $i) (local.get $ldc)) (local.get $jc))
                          (i32.const 2)))
                        (local.get $ldcb) (local.get $rows) (local.get $nc))))
                    (local.set $jp (local.get $nc))))
                (block $j_done
                  (loop $cols_l
                    (br_if $j_done (i32.ge_u (local.get $jp) (local.get $nc)))
                    (local.set $cols (i32.sub (local.get $nc) (local.get $jp)))
                    (if (i32.gt_u (local.get $cols) (i32.const 8)) (then (local.set $cols (i32.const 8))))
                    (local.set $panel (i32.add (local.get $packed)
                      (i32.mul (i32.shr_u (local.get $jp) (i32.const 3))
                        (i32.shl (local.get $kc) (i32.const 5)))))
                    (local.set $ci (i32.add (local.get $c)
                      (i32.shl
                        (i32.add (i32.mul (local.get $i) (local.get $ldc))
                          (i32.add (local.get $jc) (local.get $jp)))
                        (i32.const 2))))
                    (if (i32.and (i32.eq (local.get $rows) (i32.const 4))
                          (i32.eq (local.get $cols) (i32.const 8)))
                      (then
                        (if (i32.eq (local.get $cnt) (local.get $kc))
                          (then (call $micro (local.get $packedA) (local.get $panel) (local.get $kc)
                            (local.get $ci) (local.get $ldcb) (local.get $load)))
                          (else (call $micro_sparse (local.get $packedA) (local.get $idxA)
                            (local.get $cnt) (local.get $panel) (local.get $ci) (local.get $ldcb)
                            (local.get $load)))))
                      (else
                        (call $edge (local.get $packedA) (local.get $idxA) (local.get $cnt)
                          (local.get $panel) (local.get $kc)
                          (local.get $ci) (local.get $ldcb) (local.get $load) (local.get $rows)
                          (local.get $cols) (local.get $scratch))))
                    (local.set $jp (i32.add (local.get $jp) (i32.const 8)))
                    (br $cols_l)))
                (local.set $i (i32.add (local.get $i) (i32.const 4)))
                (br $rows_l)))
            (local.set $jc (i32.add (local.get $jc) (global.get $NC)))
            (br $n_blocks)))
        (local.set $pc (i32.add (local.get $pc) (global.get $KC)))
        (br $k_blocks))))

  ;; Row-by-row path for B' with unit column stride (sj = 4): C(i,:) (+)= Σ_q A'(i,q)·B'(q,:),
  ;; skipping q where A'(i,q) = 0 (MNIST pixels, ReLU outputs). No packing, so it wins when M is
  ;; small (batch 1) or A' is sparse enough. The same q order as gemm_core for each element.
  (func (export "gemm_rows") (param $M i32) (param $N i32) (param $K i32)
    (param $a i32) (param $sar i32) (param $saq i32) (param $b i32) (param $sq i32)
    (param $c i32) (param $ldc i32) (param $acc i32)
    (local $i i32) (local $q i32) (local $j i32) (local $ci i32) (local $ap i32) (local $bq i32)
    (local $av f32) (local $s v128) (local $n4 i32) (local $p i32)
    (local.set $n4 (i32.and (local.get $N) (i32.const -4)))
    (block $i_done
      (loop $rows
        (br_if $i_done (i32.ge_u (local.get $i) (local.get $M)))
        (local.set $ci (i32.add (local.get $c)
          (i32.shl (i32.mul (local.get $i) (local.get $ldc)) (i32.const 2))))
        (if (i32.eqz (local.get $acc))
          (then (memory.fill (local.get $ci) (i32.const 0) (i32.shl (local.get $N) (i32.const 2)))))
        (local.set $ap (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $sar))))
        (local.set $bq (local.get $b))
        (local.set $q (i32.const 0))
        (block $q_done
          (loop $qs
            (br_if $q_done (i32.ge_u (local.get $q) (local.get $K)))
            (local.set $av (f32.load (local.get $ap)))
            (if (f32.ne (local.get $av) (f32.const 0))
              (then
                (local.set $s (f32x4.splat (local.get $av)))
                (local.set $j (i32.const 0))
                (block $j_done
                  (loop $js
                    (br_if $j_done (i32.ge_u (local.get $j) (local.get $n4)))
                    (local.set $p (i32.shl (local.get $j) (i32.const 2)))
                    (v128.store (i32.add (local.get $ci) (local.get $p))
                      (f32x4.add (v128.load (i32.add (local.get $ci) (local.get $p)))
                        (f32x4.mul (local.get $s) (v128.load (i32.add (local.get $bq) (local.get $p))))))
                    (local.set $j (i32.add (local.get $j) (i32.const 4)))
                    (br $js)))
                (block $t_done
                  (loop $ts
                    (br_if $t_done (i32.ge_u (local.get $j) (local.get $N)))
                    (local.set $p (i32.shl (local.get $j) (i32.const 2)))
                    (f32.store (i32.add (local.get $ci) (local.get $p))
                      (f32.add (f32.load (i32.add (local.get $ci) (local.get $p)))
                        (f32.mul (local.get $av) (f32.load (i32.add (local.get $bq) (local.get $p))))))
                    (local.set $j (i32.add (local.get $j) (i32.const 1)))
                    (br $ts)))))
            (local.set $ap (i32.add (local.get $ap) (local.get $saq)))
            (local.set $bq (i32.add (local.get $bq) (local.get $sq)))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $qs)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; Dot-product path for gemmNT with few rows: C(i,j) (+)= Σ_q A(i,q)·B(j,q), both rows
  ;; contiguous. Four partial sums per lane group, reduced at the end.
  (func (export "gemm_dots") (param $M i32) (param $N i32) (param $K i32)
    (param $a i32) (param $lda i32) (param $b i32) (param $ldb i32)
    (param $c i32) (param $ldc i32) (param $acc i32)
    (local $i i32) (local $j i32) (local $q i32) (local $ar i32) (local $br i32) (local $k4 i32)
    (local $s v128) (local $t f32) (local $cp i32)
    (local.set $k4 (i32.and (local.get $K) (i32.const -4)))
    (block $i_done
      (loop $rows
        (br_if $i_done (i32.ge_u (local.get $i) (local.get $M)))
        (local.set $ar (i32.add (local.get $a)
          (i32.shl (i32.mul (local.get $i) (local.get $lda)) (i32.const 2))))
        (local.set $j (i32.const 0))
        (block $j_done
          (loop $cols
            (br_if $j_done (i32.ge_u (local.get $j) (local.get $N)))
            (local.set $br (i32.add (local.get $b)
              (i32.shl (i32.mul (local.get $j) (local.get $ldb)) (i32.const 2))))
            (local.set $s (v128.const i32x4 0 0 0 0))
            (local.set $q (i32.const 0))
            (block $q_done
              (loop $qs
                (br_if $q_done (i32.ge_u (local.get $q) (local.get $k4)))
                (local.set $s (f32x4.add (local.get $s)
                  (f32x4.mul
                    (v128.load (i32.add (local.get $ar) (i32.shl (local.get $q) (i32.const 2))))
                    (v128.load (i32.add (local.get $br) (i32.shl (local.get $q) (i32.const 2)))))))
                (local.set $q (i32.add (local.get $q) (i32.const 4)))
                (br $qs)))
            (local.set $t (f32.add
              (f32.add (f32x4.extract_lane 0 (local.get $s)) (f32x4.extract_lane 1 (local.get $s)))
              (f32.add (f32x4.extract_lane 2 (local.get $s)) (f32x4.extract_lane 3 (local.get $s)))))
            (block $t_done
              (loop $ts
                (br_if $t_done (i32.ge_u (local.get $q) (local.get $K)))
                (local.set $t (f32.add (local.get $t)
                  (f32.mul
                    (f32.load (i32.add (local.get $ar) (i32.shl (local.get $q) (i32.const 2))))
                    (f32.load (i32.add (local.get $br) (i32.shl (local.get $q) (i32.const 2)))))))
                (local.set $q (i32.add (local.get $q) (i32.const 1)))
                (br $ts)))
            (local.set $cp (i32.add (local.get $c)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $ldc)) (local.get $j))
                (i32.const 2))))
            (if (local.get $acc)
              (then (local.set $t (f32.add (f32.load (local.get $cp)) (local.get $t)))))
            (f32.store (local.get $cp) (local.get $t))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $cols)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; SGD with classical momentum (PyTorch form) over len floats: v ← μ·v + g; w ← w − lr·v.
  (func (export "sgd_momentum") (param $w i32) (param $g i32) (param $v i32) (param $len i32)
    (param $lr f32) (param $mu f32)
    (local $i i32) (local $end4 i32) (local $vv v128) (local $lr4 v128) (local $mu4 v128)
    (local $p i32) (local $vs f32)
    (local.set $lr4 (f32x4.splat (local.get $lr)))
    (local.set $mu4 (f32x4.splat (local.get $mu)))
    (local.set $end4 (i32.shl (i32.and (local.get $len) (i32.const -4)) (i32.const 2)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $p) (local.get $end4)))
        (local.set $vv (f32x4.add (f32x4.mul (local.get $mu4) (v128.load (i32.add (local.get $v) (local.get $p))))
          (v128.load (i32.add (local.get $g) (local.get $p)))))
        (v128.store (i32.add (local.get $v) (local.get $p)) (local.get $vv))
        (v128.store (i32.add (local.get $w) (local.get $p))
          (f32x4.sub (v128.load (i32.add (local.get $w) (local.get $p)))
            (f32x4.mul (local.get $lr4) (local.get $vv))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $l)))
    (local.set $end4 (i32.shl (local.get $len) (i32.const 2)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $p) (local.get $end4)))
        (local.set $vs (f32.add (f32.mul (local.get $mu) (f32.load (i32.add (local.get $v) (local.get $p))))
          (f32.load (i32.add (local.get $g) (local.get $p)))))
        (f32.store (i32.add (local.get $v) (local.get $p)) (local.get $vs))
        (f32.store (i32.add (local.get $w) (local.get $p))
          (f32.sub (f32.load (i32.add (local.get $w) (local.get $p)))
            (f32.mul (local.get $lr) (local.get $vs))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $l))))
;; max |x_i| over len floats (the weight scale w_max of a programming, aihwkit's omega = 1).
  (func (export "max_abs") (param $x i32) (param $len i32) (result f32)
    (local $p i32) (local $end4 i32) (local $end i32) (local $m0 v128) (local $m1 v128) (local $r f32)
    (local.set $end4 (i32.add (local.get $x) (i32.shl (i32.and (local.get $len) (i32.const -8)) (i32.const 2))))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $len) (i32.const 2))))
    (local.set $p (local.get $x))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $p) (local.get $end4)))
        (local.set $m0 (f32x4.max (local.get $m0) (f32x4.abs (v128.load (local.get $p)))))
        (local.set $m1 (f32x4.max (local.get $m1) (f32x4.abs (v128.load offset=16 (local.get $p)))))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (br $l)))
    (local.set $m0 (f32x4.max (local.get $m0) (local.get $m1)))
    (local.set $r (f32.max
      (f32.max (f32x4.extract_lane 0 (local.get $m0)) (f32x4.extract_lane 1 (local.get $m0)))
      (f32.max (f32x4.extract_lane 2 (local.get $m0)) (f32x4.extract_lane 3 (local.get $m0)))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $r (f32.max (local.get $r) (f32.abs (f32.load (local.get $p)))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $l)))
    (local.get $r))

;; Σ x_i² over len floats in f64, with the JavaScript loop's four partial sums (element i into sum
  ;; i mod 4, the last len mod 4 into sum 0, total (s0 + s1) + (s2 + s3)): bit-identical to it. The
  ;; layer-Gaussian weight clip of hardware-aware training reads it at every step.
  (func (export "sum_squares") (param $x i32) (param $len i32) (result f64)
    (local $p i32) (local $end4 i32) (local $end i32) (local $v v128) (local $lo v128) (local $hi v128)
    (local $a01 v128) (local $a23 v128) (local $s0 f64) (local $f f64)
    (local.set $end4 (i32.add (local.get $x) (i32.shl (i32.and (local.get $len) (i32.const -4)) (i32.const 2))))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $len) (i32.const 2))))
    (local.set $p (local.get $x))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $p) (local.get $end4)))
        (local.set $v (v128.load (local.get $p)))
        (local.set $lo (f64x2.promote_low_f32x4 (local.get $v)))
        (local.set $hi (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
        (local.set $a01 (f64x2.add (local.get $a01) (f64x2.mul (local.get $lo) (local.get $lo))))
        (local.set $a23 (f64x2.add (local.get $a23) (f64x2.mul (local.get $hi) (local.get $hi))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $l)))
    (local.set $s0 (f64x2.extract_lane 0 (local.get $a01)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $f (f64.promote_f32 (f32.load (local.get $p))))
        (local.set $s0 (f64.add (local.get $s0) (f64.mul (local.get $f) (local.get $f))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $l)))
    (f64.add
      (f64.add (local.get $s0) (f64x2.extract_lane 1 (local.get $a01)))
      (f64.add (f64x2.extract_lane 0 (local.get $a23)) (f64x2.extract_lane 1 (local.get $a23)))))

  ;; x_i = clamp(x_i, −b, b) over len floats, NaN kept: pmin/pmax are the JavaScript comparisons
  ;; `x > b ? b : x < −b ? −b : x` (b is an f32 here and an f64 there, with the same results: no f32
  ;; lies strictly between b and its rounding).
  (func (export "clamp_abs") (param $x i32) (param $len i32) (param $b f32)
    (local $p i32) (local $end4 i32) (local $end i32) (local $hi v128) (local $lo v128)
    (local.set $hi (f32x4.splat (local.get $b)))
    (local.set $lo (f32x4.splat (f32.neg (local.get $b))))
    (local.set $end4 (i32.add (local.get $x) (i32.shl (i32.and (local.get $len) (i32.const -4)) (i32.const 2))))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $len) (i32.const 2))))
    (local.set $p (local.get $x))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $p) (local.get $end4)))
        (v128.store (local.get $p) (f32x4.pmax (f32x4.pmin (v128.load (local.get $p)) (local.get $hi)) (local.get $lo)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $l)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (v128.store32_lane 0 (local.get $p)
          (f32x4.pmax (f32x4.pmin (v128.load32_zero (local.get $p)) (local.get $hi)) (local.get $lo)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $l))))

;; ---- The DAC of one row block (engine/sim/crossbar.ts, CrossbarLayer.forward) ----
  ;; For each of m input vectors (row stride k floats) the slice [r0, r0 + rows): α = max|x| (into
  ;; alpha[i], f32), then x̃ = x/α quantised ($mode 0 ideal: x̃; 1: round(clip(x̃, ±bound)·invStep)
  ;; ·step; 2 (1 bit): ±bound by sign) into xq (same layout as x), and Σ x̃² in f64 into sumSq[i]
  ;; (f32). All zero slice: α = 0, xq = 0, Σ = 0. The JavaScript loop's operations in its order
  ;; (x̃ = x·(1/α); Math.round as in read_cols), so the results are bit-identical.
  (func (export "dac_rows") (param $x i32) (param $xq i32) (param $m i32) (param $k i32) (param $r0 i32)
    (param $rows i32) (param $mode i32) (param $step f64) (param $invStep f64) (param $bound f64)
    (param $alpha i32) (param $sumSq i32)
    (local $i i32) (local $p i32) (local $row i32) (local $a f32) (local $inv f64) (local $v f64)
    (local $r f64) (local $s f64) (local $at i32) (local $mx v128) (local $vv v128) (local $rv v128)
    (local $invv v128) (local $stepv v128) (local $invStepv v128) (local $boundv v128) (local $nboundv v128)
    (local $sq v128)
    (local.set $stepv (f64x2.splat (local.get $step)))
    (local.set $invStepv (f64x2.splat (local.get $invStep)))
    (local.set $boundv (f64x2.splat (local.get $bound)))
    (local.set $nboundv (f64x2.splat (f64.neg (local.get $bound))))
    (block $done
      (loop $samples
        (br_if $done (i32.ge_u (local.get $i) (local.get $m)))
        ;; byte offset of x[i·k + r0] (the same in xq)
        (local.set $row (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $k)) (local.get $r0)) (i32.const 2))))
        ;; α = max|x| over the slice: f32x4 then the last < 4 (a max is exact in any order)
        (local.set $mx (v128.const f32x4 0 0 0 0))
        (local.set $p (i32.const 0))
        (block $d0
          (loop $l0
            (br_if $d0 (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $rows)))
            (local.set $mx (f32x4.max (local.get $mx)
              (f32x4.abs (v128.load (i32.add (local.get $row) (i32.shl (local.get $p) (i32.const 2)))))))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $l0)))
        (local.set $a (f32.max
          (f32.max (f32x4.extract_lane 0 (local.get $mx)) (f32x4.extract_lane 1 (local.get $mx)))
          (f32.max (f32x4.extract_lane 2 (local.get $mx)) (f32x4.extract_lane 3 (local.get $mx)))))
        (block $d1
          (loop $l1
            (br_if $d1 (i32.ge_u (local.get $p) (local.get $rows)))
            (local.set $a (f32.max (local.get $a)
              (f32.abs (f32.load (i32.add (local.get $row) (i32.shl (local.get $p) (i32.const 2)))))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $l1)))
        (f32.store (i32.add (local.get $alpha) (i32.shl (local.get $i) (i32.const 2))) (local.get $a))
        (local.set $s (f64.const 0))
        (local.set $inv (f64.div (f64.const 1) (f64.promote_f32 (local.get $a))))
        (local.set $invv (f64x2.splat (local.get $inv)))
        (local.set $p (i32.const 0))
        (if (f32.eq (local.get $a) (f32.const 0))
          (then (memory.fill (i32.sub (i32.add (local.get $xq) (local.get $row)) (local.get $x)) (i32.const 0)
            (i32.shl (local.get $rows) (i32.const 2))))
          (else
            ;; two inputs at a time in f64x2 (each lane the scalar operations); Σ x̃² stays a
            ;; sequential f64 sum in input order
            (block $d2
              (loop $l2
                (br_if $d2 (i32.gt_u (i32.add (local.get $p) (i32.const 2)) (local.get $rows)))
                (local.set $at (i32.add (local.get $row) (i32.shl (local.get $p) (i32.const 2))))
                (local.set $vv (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $at))) (local.get $invv)))
                (if (i32.eq (local.get $mode) (i32.const 1))
                  (then
                    (local.set $vv (f64x2.mul
                      (v128.bitselect (local.get $boundv)
                        (v128.bitselect (local.get $nboundv) (local.get $vv) (f64x2.lt (local.get $vv) (local.get $nboundv)))
                        (f64x2.gt (local.get $vv) (local.get $boundv)))
                      (local.get $invStepv)))
                    (local.set $rv (f64x2.floor (local.get $vv)))
                    (local.set $rv (f64x2.add (local.get $rv) (v128.and (v128.const f64x2 1 1)
                      (f64x2.ge (f64x2.sub (local.get $vv) (local.get $rv)) (v128.const f64x2 0.5 0.5)))))
                    (local.set $rv (v128.or (v128.and (local.get $rv) (v128.const i64x2 0x7fffffffffffffff 0x7fffffffffffffff))
                      (v128.and (local.get $vv) (v128.const i64x2 0x8000000000000000 0x8000000000000000))))
                    (local.set $vv (f64x2.mul (local.get $rv) (local.get $stepv)))))
                (if (i32.eq (local.get $mode) (i32.const 2))
                  (then
                    (local.set $vv (v128.bitselect (local.get $boundv)
                      (v128.and (local.get $nboundv) (f64x2.lt (local.get $vv) (v128.const f64x2 0 0)))
                      (f64x2.gt (local.get $vv) (v128.const f64x2 0 0))))))
                (local.set $sq (f64x2.mul (local.get $vv) (local.get $vv)))
                (local.set $s (f64.add (f64.add (local.get $s) (f64x2.extract_lane 0 (local.get $sq)))
                  (f64x2.extract_lane 1 (local.get $sq))))
                (v128.store64_lane 0 (i32.sub (i32.add (local.get $xq) (local.get $at)) (local.get $x))
                  (f32x4.demote_f64x2_zero (local.get $vv)))
                (local.set $p (i32.add (local.get $p) (i32.const 2)))
                (br $l2)))
            (if (i32.lt_u (local.get $p) (local.get $rows))
              (then
                (local.set $at (i32.add (local.get $row) (i32.shl (local.get $p) (i32.const 2))))
                (local.set $v (f64.mul (f64.promote_f32 (f32.load (local.get $at))) (local.get $inv)))
                (if (i32.eq (local.get $mode) (i32.const 1))
                  (then
                    (local.set $v (f64.mul
                      (select (local.get $bound)
                        (select (f64.neg (local.get $bound)) (local.get $v) (f64.lt (local.get $v) (f64.neg (local.get $bound))))
                        (f64.gt (local.get $v) (local.get $bound)))
                      (local.get $invStep)))
                    (local.set $r (f64.floor (local.get $v)))
                    (if (f64.ge (f64.sub (local.get $v) (local.get $r)) (f64.const 0.5))
                      (then (local.set $r (f64.add (local.get $r) (f64.const 1)))))
                    (local.set $v (f64.mul (f64.copysign (local.get $r) (local.get $v)) (local.get $step)))))
                (if (i32.eq (local.get $mode) (i32.const 2))
                  (then
                    (local.set $v (select (local.get $bound)
                      (select (f64.neg (local.get $bound)) (f64.const 0) (f64.lt (local.get $v) (f64.const 0)))
                      (f64.gt (local.get $v) (f64.const 0))))))
                (local.set $s (f64.add (local.get $s) (f64.mul (local.get $v) (local.get $v))))
                (f32.store (i32.sub (i32.add (local.get $xq) (local.get $at)) (local.get $x)) (f32.demote_f64 (local.get $v)))))))
        (f32.store (i32.add (local.get $sumSq) (i32.shl (local.get $i) (i32.const 2))) (f32.demote_f64 (local.get $s)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $samples))))

  ;; ---- One tile read (engine/sim/crossbar.ts, CrossbarLayer.readTile) ----
  ;; For the tile's cols outputs of one input vector: y = partial·invW (+ shared + sd·noise_j when
  ;; $noise ≠ 0, f64 noise), counts |y| ≥ $sat, quantises with the ADC ($quant 0 ideal, 1 steps of
  ;; $step clipped to ±$bound, 2 sign·$bound) into yq (f32), then adds g·yq into out (f32) unless
  ;; $bmOpen and some output saturated (bound management reads the tile again). Every operation is
  ;; the JavaScript loop's, in f64 and in its order, so the results are bit-identical; Math.round
  ;; is floor(v) + (v − floor(v) ≥ ½) with v's sign on a zero (−0.4 rounds to −0 in JavaScript).
  ;; Returns the number of saturated outputs.
  (func (export "read_cols") (param $src i32) (param $cols i32) (param $invW f64) (param $noise i32)
    (param $sd f64) (param $shared f64) (param $step f64) (param $bound f64) (param $sat f64)
    (param $quant i32) (param $yq i32) (param $out i32) (param $g f64) (param $bmOpen i32) (result i32)
    (local $j i32) (local $y f64) (local $r f64) (local $cnt i32)
    (local $yv v128) (local $rv v128) (local $invWv v128) (local $sdv v128) (local $sharedv v128)
    (local $stepv v128) (local $boundv v128) (local $nboundv v128) (local $satv v128) (local $nsatv v128)
    (local $gv v128) (local $at i32)
    ;; Two outputs at a time in f64x2 (each lane the scalar loop's operations), the odd one after.
    (local.set $invWv (f64x2.splat (local.get $invW)))
    (local.set $sdv (f64x2.splat (local.get $sd)))
    (local.set $sharedv (f64x2.splat (local.get $shared)))
    (local.set $stepv (f64x2.splat (local.get $step)))
    (local.set $boundv (f64x2.splat (local.get $bound)))
    (local.set $nboundv (f64x2.splat (f64.neg (local.get $bound))))
    (local.set $satv (f64x2.splat (local.get $sat)))
    (local.set $nsatv (f64x2.splat (f64.neg (local.get $sat))))
    (block $done
      (loop $l
        (br_if $done (i32.gt_u (i32.add (local.get $j) (i32.const 2)) (local.get $cols)))
        (local.set $at (i32.shl (local.get $j) (i32.const 2)))
        (local.set $yv (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $src) (local.get $at))))
          (local.get $invWv)))
        (if (local.get $noise)
          (then (local.set $yv (f64x2.add (local.get $yv) (f64x2.add (local.get $sharedv) (f64x2.mul (local.get $sdv)
            (v128.load (i32.add (local.get $noise) (i32.shl (local.get $j) (i32.const 3))))))))))
        (if (local.get $quant)
          (then
            (local.set $cnt (i32.add (local.get $cnt) (i32.popcnt (i64x2.bitmask
              (v128.or (f64x2.ge (local.get $yv) (local.get $satv)) (f64x2.le (local.get $yv) (local.get $nsatv)))))))
            (if (i32.eq (local.get $quant) (i32.const 2))
              (then
                (local.set $yv (v128.bitselect (local.get $boundv)
                  (v128.and (local.get $nboundv) (f64x2.lt (local.get $yv) (v128.const f64x2 0 0)))
                  (f64x2.gt (local.get $yv) (v128.const f64x2 0 0)))))
              (else
                (local.set $yv (f64x2.div
                  (v128.bitselect (local.get $boundv) (f64x2.max (local.get $yv) (local.get $nboundv))
                    (f64x2.gt (local.get $yv) (local.get $boundv)))
                  (local.get $stepv)))
                (local.set $rv (f64x2.floor (local.get $yv)))
                (local.set $rv (f64x2.add (local.get $rv) (v128.and (v128.const f64x2 1 1)
                  (f64x2.ge (f64x2.sub (local.get $yv) (local.get $rv)) (v128.const f64x2 0.5 0.5)))))
                ;; copysign(r, y)
                (local.set $rv (v128.or (v128.and (local.get $rv) (v128.const i64x2 0x7fffffffffffffff 0x7fffffffffffffff))
                  (v128.and (local.get $yv) (v128.const i64x2 0x8000000000000000 0x8000000000000000))))
                (local.set $yv (f64x2.mul (local.get $rv) (local.get $stepv)))))))
        (v128.store64_lane 0 (i32.add (local.get $yq) (local.get $at)) (f32x4.demote_f64x2_zero (local.get $yv)))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $l)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $j) (local.get $cols)))
        (local.set $y (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 2)))))
          (local.get $invW)))
        (if (local.get $noise)
          (then (local.set $y (f64.add (local.get $y) (f64.add (local.get $shared) (f64.mul (local.get $sd)
            (f64.load (i32.add (local.get $noise) (i32.shl (local.get $j) (i32.const 3))))))))))
        (if (local.get $quant)
          (then
            (if (i32.or (f64.ge (local.get $y) (local.get $sat)) (f64.le (local.get $y) (f64.neg (local.get $sat))))
              (then (local.set $cnt (i32.add (local.get $cnt) (i32.const 1)))))
            (if (i32.eq (local.get $quant) (i32.const 2))
              (then
                (local.set $y (select (local.get $bound)
                  (select (f64.neg (local.get $bound)) (f64.const 0) (f64.lt (local.get $y) (f64.const 0)))
                  (f64.gt (local.get $y) (f64.const 0)))))
              (else
                (local.set $y (f64.div
                  (select (local.get $bound) (f64.max (local.get $y) (f64.neg (local.get $bound)))
                    (f64.gt (local.get $y) (local.get $bound)))
                  (local.get $step)))
                (local.set $r (f64.floor (local.get $y)))
                (if (f64.ge (f64.sub (local.get $y) (local.get $r)) (f64.const 0.5))
                  (then (local.set $r (f64.add (local.get $r) (f64.const 1)))))
                (local.set $y (f64.mul (f64.copysign (local.get $r) (local.get $y)) (local.get $step)))))))
        (f32.store (i32.add (local.get $yq) (i32.shl (local.get $j) (i32.const 2))) (f32.demote_f64 (local.get $y)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $l)))
    (if (i32.or (i32.eqz (local.get $bmOpen)) (i32.eqz (local.get $cnt)))
      (then
        (local.set $gv (f64x2.splat (local.get $g)))
        (local.set $j (i32.const 0))
        (block $done
          (loop $l
            (br_if $done (i32.gt_u (i32.add (local.get $j) (i32.const 2)) (local.get $cols)))
            (local.set $at (i32.shl (local.get $j) (i32.const 2)))
            (v128.store64_lane 0 (i32.add (local.get $out) (local.get $at))
              (f32x4.demote_f64x2_zero (f64x2.add
                (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $out) (local.get $at))))
                (f64x2.mul (local.get $gv)
                  (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $yq) (local.get $at))))))))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $l)))
        (if (i32.lt_u (local.get $j) (local.get $cols))
          (then
            (f32.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2)))
              (f32.demote_f64 (f64.add
                (f64.promote_f32 (f32.load (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2)))))
                (f64.mul (local.get $g)
                  (f64.promote_f32 (f32.load (i32.add (local.get $yq) (i32.shl (local.get $j) (i32.const 2)))))))))))))
    (local.get $cnt))

  ;; ---- Device programming (engine/sim/device.ts, DeviceArray.program, generic devices) ----
  ;; Every step is done in f64, in the same order as the JavaScript loop, so the result is
  ;; bit-identical to it: t = clamp(w·inv, −1, 1); g quantised as floor(g·steps + ½)·invSteps;
  ;; g += noise, clipped to [0, 1]; stuck devices forced to 0 (g_min) or 1 (g_max). Flags:
  ;; 1 = levels (steps > 0), 2 = noise (f32 per device), 4 = stuck map (u8 per device, 0 free,
  ;; 1 g_min, 2 g_max, widened to the i64 lanes). pmin/pmax reproduce the JavaScript comparisons exactly
  ;; (`x < 0 ? 0 : x`). program_diff and $ref2 carry the same per-device body (levels, noise and
  ;; clip, stuck-at): V8 does not inline WebAssembly calls, and a call per weight cost a third.

      ;; Differential pair: weight i on devices 2i (g+) and 2i+1 (g−), out_i = wMax·(g+ − g−).
  (func (export "program_diff") (param $w i32) (param $noise i32) (param $stuck i32) (param $out i32)
    (param $n i32) (param $inv f64) (param $wMax f64) (param $steps f64) (param $invSteps f64)
    (param $flags i32)
    (local $i i32) (local $t f64) (local $g v128) (local $nz v128) (local $st v128) (local $free v128)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $t (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $w)
          (i32.shl (local.get $i) (i32.const 2))))) (local.get $inv)))
        (local.set $t (f64.max (f64.min (local.get $t) (f64.const 1)) (f64.const -1)))
        ;; (max(t, 0), max(−t, 0)): the device of the pair that carries the weight's sign.
        (local.set $g (f64x2.max (f64x2.mul (f64x2.splat (local.get $t)) (v128.const f64x2 1 -1))
          (v128.const f64x2 0 0)))
        (if (i32.and (local.get $flags) (i32.const 2))
          (then (local.set $nz (f64x2.promote_low_f32x4 (v128.load64_zero
            (i32.add (local.get $noise) (i32.shl (local.get $i) (i32.const 3))))))))
        (if (i32.and (local.get $flags) (i32.const 4))
          (then (local.set $st (i64x2.extend_low_i32x4_u (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load16_splat
            (i32.add (local.get $stuck) (i32.shl (local.get $i) (i32.const 1))))))))))
        ;; levels, noise and clip, stuck-at
        (if (i32.and (local.get $flags) (i32.const 1))
          (then
            (local.set $g (f64x2.mul
              (f64x2.floor (f64x2.add (f64x2.mul (local.get $g) (f64x2.splat (local.get $steps)))
                (v128.const f64x2 0.5 0.5)))
              (f64x2.splat (local.get $invSteps))))))
        (if (i32.and (local.get $flags) (i32.const 2))
          (then
            (local.set $g (f64x2.pmin
              (f64x2.pmax (f64x2.add (local.get $g) (local.get $nz)) (v128.const f64x2 0 0))
              (v128.const f64x2 1 1)))))
        (if (i32.and (local.get $flags) (i32.const 4))
          (then
            (local.set $free (i64x2.eq (local.get $st) (v128.const i64x2 0 0)))
            (local.set $g (v128.bitselect (local.get $g)
              (v128.and (i64x2.eq (local.get $st) (v128.const i64x2 2 2)) (v128.const f64x2 1 1))
              (local.get $free)))))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (f32.demote_f64 (f64.mul (local.get $wMax)
            (f64.sub (f64x2.extract_lane 0 (local.get $g)) (f64x2.extract_lane 1 (local.get $g))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l))))

  ;; Reference column: weight i on device i at g = ½ + ½·t, out_i = 2·wMax·(g − ½); two weights a step.
  (func (export "program_ref") (param $w i32) (param $noise i32) (param $stuck i32) (param $out i32)
    (param $n i32) (param $inv f64) (param $wMax f64) (param $steps f64) (param $invSteps f64)
    (param $flags i32)
    (local $i i32) (local $g v128) (local $nz v128) (local $st v128) (local $end2 i32)
    (local $twoW v128)
    (local.set $twoW (f64x2.splat (f64.mul (f64.const 2) (local.get $wMax))))
    (local.set $end2 (i32.and (local.get $n) (i32.const -2)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $end2)))
        (local.set $g (f64x2.promote_low_f32x4 (v128.load64_zero
          (i32.add (local.get $w) (i32.shl (local.get $i) (i32.const 2))))))
        (if (i32.and (local.get $flags) (i32.const 2))
          (then (local.set $nz (f64x2.promote_low_f32x4 (v128.load64_zero
            (i32.add (local.get $noise) (i32.shl (local.get $i) (i32.const 2))))))))
        (if (i32.and (local.get $flags) (i32.const 4))
          (then (local.set $st (i64x2.extend_low_i32x4_u (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load16_splat
            (i32.add (local.get $stuck) (local.get $i)))))))))
        (local.set $g (call $ref2 (local.get $g) (local.get $nz) (local.get $st) (local.get $inv)
          (local.get $steps) (local.get $invSteps) (local.get $flags) (local.get $twoW)))
        (v128.store64_lane 0 (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (f32x4.demote_f64x2_zero (local.get $g)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $l)))
    ;; An odd last weight: the same arithmetic in lane 0.
    (if (i32.lt_u (local.get $i) (local.get $n))
      (then
        (local.set $g (f64x2.promote_low_f32x4 (v128.load32_zero
          (i32.add (local.get $w) (i32.shl (local.get $i) (i32.const 2))))))
        (if (i32.and (local.get $flags) (i32.const 2))
          (then (local.set $nz (f64x2.promote_low_f32x4 (v128.load32_zero
            (i32.add (local.get $noise) (i32.shl (local.get $i) (i32.const 2))))))))
        (if (i32.and (local.get $flags) (i32.const 4))
          (then (local.set $st (i64x2.extend_low_i32x4_u (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load8_splat
            (i32.add (local.get $stuck) (local.get $i)))))))))
        (local.set $g (call $ref2 (local.get $g) (local.get $nz) (local.get $st) (local.get $inv)
          (local.get $steps) (local.get $invSteps) (local.get $flags) (local.get $twoW)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (f32x4.extract_lane 0 (f32x4.demote_f64x2_zero (local.get $g)))))))

  ;; Two reference-column weights w (f64 lanes) -> 2·wMax·(g − ½).
  (func $ref2 (param $w v128) (param $nz v128) (param $st v128) (param $inv f64) (param $steps f64)
    (param $invSteps f64) (param $flags i32) (param $twoW v128) (result v128)
    (local $t v128) (local $g v128) (local $free v128)
    (local.set $t (f64x2.mul (local.get $w) (f64x2.splat (local.get $inv))))
    (local.set $t (f64x2.pmax (f64x2.pmin (local.get $t) (v128.const f64x2 1 1)) (v128.const f64x2 -1 -1)))
    (local.set $g (f64x2.add (v128.const f64x2 0.5 0.5) (f64x2.mul (v128.const f64x2 0.5 0.5) (local.get $t))))
    ;; levels, noise and clip, stuck-at
    (if (i32.and (local.get $flags) (i32.const 1))
      (then
        (local.set $g (f64x2.mul
          (f64x2.floor (f64x2.add (f64x2.mul (local.get $g) (f64x2.splat (local.get $steps)))
            (v128.const f64x2 0.5 0.5)))
          (f64x2.splat (local.get $invSteps))))))
    (if (i32.and (local.get $flags) (i32.const 2))
      (then
        (local.set $g (f64x2.pmin
          (f64x2.pmax (f64x2.add (local.get $g) (local.get $nz)) (v128.const f64x2 0 0))
          (v128.const f64x2 1 1)))))
    (if (i32.and (local.get $flags) (i32.const 4))
      (then
        (local.set $free (i64x2.eq (local.get $st) (v128.const i64x2 0 0)))
        (local.set $g (v128.bitselect (local.get $g)
          (v128.and (i64x2.eq (local.get $st) (v128.const i64x2 2 2)) (v128.const f64x2 1 1))
          (local.get $free)))))
    (f64x2.mul (local.get $twoW) (f64x2.sub (local.get $g) (v128.const f64x2 0.5 0.5))))

  ;; ---- Normal draws for programming noise ----
  ;; Four independent xoshiro128** streams (Blackman & Vigna), one per i32 lane, state s0..s3 as
  ;; four v128 at $st (64 bytes, seeded by the caller from the run's Rng). Box–Muller on two draws:
  ;; u1 = (24-bit integer + 1)·2^−24 in (0, 1], radius √(−2 ln u1) (largest 5.77); the angle is a
  ;; quadrant (2 bits) plus φ uniform in (−π/4, π/4) (22 bits): cos and sin of a uniform angle,
  ;; which is all Box–Muller needs. ln, sin and cos are Cephes' single-precision polynomials (Moshier,
  ;; "Methods and Programs for Mathematical Functions", logf.c / sinf.c: about 1 ulp on these ranges).
  ;; Writes mean + std·z, n normals rounded UP to a multiple of 24 (callers leave room): three
  ;; independent blocks of 8 per iteration, so the ~90-cycle dependency chain of one block (log
  ;; polynomial, sqrt) overlaps with the others' (3.1 → 2.2 ns per normal with two blocks, 1.9 with
  ;; three, measured). Block order, lanes and arithmetic are those of one block at a time, so the
  ;; draws are the same bit for bit. Block b holds r·cos of its four lanes at 8b..8b+3 and r·sin at
  ;; 8b+4..8b+7.
  (func $fill_normal (export "fill_normal") (param $out i32) (param $n i32) (param $st i32) (param $std f32) (param $mean f32)
    (local $end i32) (local $a v128) (local $b v128) (local $r v128) (local $q v128) (local $p v128)
    (local $z v128) (local $sn v128) (local $cs v128) (local $c v128) (local $s v128) (local $swap v128)
    (local $stdv v128) (local $meanv v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $t v128)
    (local $e v128) (local $m v128) (local $lt v128) (local $x v128) (local $lz v128) (local $y v128)
    (local $ef v128)
    (local $a_2 v128) (local $b_2 v128) (local $r_2 v128) (local $q_2 v128) (local $p_2 v128) (local $z_2 v128) (local $sn_2 v128) (local $cs_2 v128) (local $c_2 v128) (local $s_2 v128) (local $swap_2 v128) (local $e_2 v128) (local $m_2 v128) (local $lt_2 v128) (local $x_2 v128) (local $lz_2 v128) (local $y_2 v128) (local $ef_2 v128)
    (local $a_3 v128) (local $b_3 v128) (local $r_3 v128) (local $q_3 v128) (local $p_3 v128) (local $z_3 v128) (local $sn_3 v128) (local $cs_3 v128) (local $c_3 v128) (local $s_3 v128) (local $swap_3 v128) (local $e_3 v128) (local $m_3 v128) (local $lt_3 v128) (local $x_3 v128) (local $lz_3 v128) (local $y_3 v128) (local $ef_3 v128)
    ;; xoshiro and the log inlined by hand (V8 does not inline WebAssembly calls; the calls and the
    ;; state's round trip through memory cost about half the time), the state kept in locals.
    (local.set $s0 (v128.load (local.get $st)))
    (local.set $s1 (v128.load offset=16 (local.get $st)))
    (local.set $s2 (v128.load offset=32 (local.get $st)))
    (local.set $s3 (v128.load offset=48 (local.get $st)))
    (local.set $stdv (f32x4.splat (local.get $std)))
    (local.set $meanv (f32x4.splat (local.get $mean)))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (local.set $a (i32x4.mul (local.get $s1) (v128.const i32x4 5 5 5 5)))
        (local.set $a (v128.or (i32x4.shl (local.get $a) (i32.const 7)) (i32x4.shr_u (local.get $a) (i32.const 25))))
        (local.set $a (i32x4.mul (local.get $a) (v128.const i32x4 9 9 9 9)))
        (local.set $t (i32x4.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (v128.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (v128.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (v128.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (v128.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (v128.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (v128.or (i32x4.shl (local.get $s3) (i32.const 11)) (i32x4.shr_u (local.get $s3) (i32.const 21))))
        (local.set $b (i32x4.mul (local.get $s1) (v128.const i32x4 5 5 5 5)))
        (local.set $b (v128.or (i32x4.shl (local.get $b) (i32.const 7)) (i32x4.shr_u (local.get $b) (i32.const 25))))
        (local.set $b (i32x4.mul (local.get $b) (v128.const i32x4 9 9 9 9)))
        (local.set $t (i32x4.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (v128.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (v128.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (v128.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (v128.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (v128.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (v128.or (i32x4.shl (local.get $s3) (i32.const 11)) (i32x4.shr_u (local.get $s3) (i32.const 21))))
        ;; radius √(−2 ln u1), u1 in (0, 1]
        (local.set $r (f32x4.mul
          (f32x4.convert_i32x4_s (i32x4.add (i32x4.shr_u (local.get $a) (i32.const 8)) (v128.const i32x4 1 1 1 1)))
          (v128.const f32x4 5.9604644775390625e-8 5.9604644775390625e-8 5.9604644775390625e-8 5.9604644775390625e-8)))
        (local.set $e (i32x4.sub (i32x4.shr_u (local.get $r) (i32.const 23)) (v128.const i32x4 126 126 126 126)))
        (local.set $m (v128.or (v128.and (local.get $r) (v128.const i32x4 0x7fffff 0x7fffff 0x7fffff 0x7fffff))
          (v128.const i32x4 0x3f000000 0x3f000000 0x3f000000 0x3f000000)))
        (local.set $lt (f32x4.lt (local.get $m) (v128.const f32x4 0.707106781186547524 0.707106781186547524 0.707106781186547524 0.707106781186547524)))
        (local.set $e (i32x4.add (local.get $e) (local.get $lt)))
        (local.set $x (v128.bitselect
          (f32x4.sub (f32x4.add (local.get $m) (local.get $m)) (v128.const f32x4 1 1 1 1))
          (f32x4.sub (local.get $m) (v128.const f32x4 1 1 1 1))
          (local.get $lt)))
        (local.set $lz (f32x4.mul (local.get $x) (local.get $x)))
        (local.set $y (v128.const f32x4 7.0376836292E-2 7.0376836292E-2 7.0376836292E-2 7.0376836292E-2))
        (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $x)) (v128.const f32x4 -1.1514610310E-1 -1.1514610310E-1 -1.1514610310E-1 -1.1514610310E-1)))
        (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $x)) (v128.const f32x4 1.1676998740E-1 1.1676998740E-1 1.1676998740E-1 1.1676998740E-1)))
        (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $x)) (v128.const f32x4 -1.2420140846E-1 -1.2420140846E-1 -1.2420140846E-1 -1.2420140846E-1)))
        (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $x)) (v128.const f32x4 1.4249322787E-1 1.4249322787E-1 1.4249322787E-1 1.4249322787E-1)))
        (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $x)) (v128.const f32x4 -1.6668057665E-1 -1.6668057665E-1 -1.6668057665E-1 -1.6668057665E-1)))
        (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $x)) (v128.const f32x4 2.0000714765E-1 2.0000714765E-1 2.0000714765E-1 2.0000714765E-1)))
        (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $x)) (v128.const f32x4 -2.4999993993E-1 -2.4999993993E-1 -2.4999993993E-1 -2.4999993993E-1)))
        (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $x)) (v128.const f32x4 3.3333331174E-1 3.3333331174E-1 3.3333331174E-1 3.3333331174E-1)))
        (local.set $y (f32x4.mul (f32x4.mul (local.get $y) (local.get $x)) (local.get $lz)))
        (local.set $ef (f32x4.convert_i32x4_s (local.get $e)))
        (local.set $y (f32x4.add (local.get $y) (f32x4.mul (local.get $ef) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
        (local.set $y (f32x4.sub (local.get $y) (f32x4.mul (local.get $lz) (v128.const f32x4 0.5 0.5 0.5 0.5))))
        (local.set $r (f32x4.add (f32x4.add (local.get $x) (local.get $y))
            (f32x4.mul (local.get $ef) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))))
        (local.set $r (f32x4.sqrt (f32x4.mul (local.get $r) (v128.const f32x4 -2 -2 -2 -2))))
        ;; φ = ((22 bits) + ½)·2^−22·π/2 − π/4
        (local.set $p (f32x4.sub
          (f32x4.mul
            (f32x4.convert_i32x4_s (v128.and (i32x4.shr_u (local.get $b) (i32.const 8)) (v128.const i32x4 0x3fffff 0x3fffff 0x3fffff 0x3fffff)))
            (v128.const f32x4 3.74507028e-7 3.74507028e-7 3.74507028e-7 3.74507028e-7))
          (v128.const f32x4 0.785398 0.785398 0.785398 0.785398)))
        (local.set $z (f32x4.mul (local.get $p) (local.get $p)))
        ;; Cephes sinf / cosf on [−π/4, π/4]
        (local.set $sn (f32x4.add (local.get $p) (f32x4.mul (f32x4.mul (local.get $z) (local.get $p))
          (f32x4.add (f32x4.mul (f32x4.add (f32x4.mul (local.get $z)
            (v128.const f32x4 -1.9515295891E-4 -1.9515295891E-4 -1.9515295891E-4 -1.9515295891E-4))
            (v128.const f32x4 8.3321608736E-3 8.3321608736E-3 8.3321608736E-3 8.3321608736E-3)) (local.get $z))
            (v128.const f32x4 -1.6666654611E-1 -1.6666654611E-1 -1.6666654611E-1 -1.6666654611E-1)))))
        (local.set $cs (f32x4.add (v128.const f32x4 1 1 1 1) (f32x4.sub
          (f32x4.mul (f32x4.mul (local.get $z) (local.get $z))
            (f32x4.add (f32x4.mul (f32x4.add (f32x4.mul (local.get $z)
              (v128.const f32x4 2.443315711809948E-5 2.443315711809948E-5 2.443315711809948E-5 2.443315711809948E-5))
              (v128.const f32x4 -1.388731625493765E-3 -1.388731625493765E-3 -1.388731625493765E-3 -1.388731625493765E-3)) (local.get $z))
              (v128.const f32x4 4.166664568298827E-2 4.166664568298827E-2 4.166664568298827E-2 4.166664568298827E-2)))
          (f32x4.mul (local.get $z) (v128.const f32x4 0.5 0.5 0.5 0.5)))))
        ;; rotate by quadrant q·π/2: q=0 (c, s), 1 (−s, c), 2 (−c, −s), 3 (s, −c)
        (local.set $q (i32x4.shr_u (local.get $b) (i32.const 30)))
        (local.set $swap (i32x4.eq (v128.and (local.get $q) (v128.const i32x4 1 1 1 1)) (v128.const i32x4 1 1 1 1)))
        (local.set $c (v128.bitselect (local.get $sn) (local.get $cs) (local.get $swap)))
        (local.set $s (v128.bitselect (local.get $cs) (local.get $sn) (local.get $swap)))
        (local.set $c (v128.xor (local.get $c)
          (i32x4.shl (v128.xor (local.get $q) (i32x4.shr_u (local.get $q) (i32.const 1))) (i32.const 31))))
        (local.set $s (v128.xor (local.get $s) (i32x4.shl (i32x4.shr_u (local.get $q) (i32.const 1)) (i32.const 31))))
        (v128.store (local.get $out) (f32x4.add (local.get $meanv)
          (f32x4.mul (local.get $stdv) (f32x4.mul (local.get $r) (local.get $c)))))
        (v128.store offset=16 (local.get $out) (f32x4.add (local.get $meanv)
          (f32x4.mul (local.get $stdv) (f32x4.mul (local.get $r) (local.get $s)))))
        ;; the second, independent block
        (local.set $a_2 (i32x4.mul (local.get $s1) (v128.const i32x4 5 5 5 5)))
        (local.set $a_2 (v128.or (i32x4.shl (local.get $a_2) (i32.const 7)) (i32x4.shr_u (local.get $a_2) (i32.const 25))))
        (local.set $a_2 (i32x4.mul (local.get $a_2) (v128.const i32x4 9 9 9 9)))
        (local.set $t (i32x4.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (v128.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (v128.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (v128.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (v128.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (v128.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (v128.or (i32x4.shl (local.get $s3) (i32.const 11)) (i32x4.shr_u (local.get $s3) (i32.const 21))))
        (local.set $b_2 (i32x4.mul (local.get $s1) (v128.const i32x4 5 5 5 5)))
        (local.set $b_2 (v128.or (i32x4.shl (local.get $b_2) (i32.const 7)) (i32x4.shr_u (local.get $b_2) (i32.const 25))))
        (local.set $b_2 (i32x4.mul (local.get $b_2) (v128.const i32x4 9 9 9 9)))
        (local.set $t (i32x4.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (v128.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (v128.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (v128.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (v128.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (v128.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (v128.or (i32x4.shl (local.get $s3) (i32.const 11)) (i32x4.shr_u (local.get $s3) (i32.const 21))))
        ;; radius √(−2 ln u1), u1 in (0, 1]
        (local.set $r_2 (f32x4.mul
          (f32x4.convert_i32x4_s (i32x4.add (i32x4.shr_u (local.get $a_2) (i32.const 8)) (v128.const i32x4 1 1 1 1)))
          (v128.const f32x4 5.9604644775390625e-8 5.9604644775390625e-8 5.9604644775390625e-8 5.9604644775390625e-8)))
        (local.set $e_2 (i32x4.sub (i32x4.shr_u (local.get $r_2) (i32.const 23)) (v128.const i32x4 126 126 126 126)))
        (local.set $m_2 (v128.or (v128.and (local.get $r_2) (v128.const i32x4 0x7fffff 0x7fffff 0x7fffff 0x7fffff))
          (v128.const i32x4 0x3f000000 0x3f000000 0x3f000000 0x3f000000)))
        (local.set $lt_2 (f32x4.lt (local.get $m_2) (v128.const f32x4 0.707106781186547524 0.707106781186547524 0.707106781186547524 0.707106781186547524)))
        (local.set $e_2 (i32x4.add (local.get $e_2) (local.get $lt_2)))
        (local.set $x_2 (v128.bitselect
          (f32x4.sub (f32x4.add (local.get $m_2) (local.get $m_2)) (v128.const f32x4 1 1 1 1))
          (f32x4.sub (local.get $m_2) (v128.const f32x4 1 1 1 1))
          (local.get $lt_2)))
        (local.set $lz_2 (f32x4.mul (local.get $x_2) (local.get $x_2)))
        (local.set $y_2 (v128.const f32x4 7.0376836292E-2 7.0376836292E-2 7.0376836292E-2 7.0376836292E-2))
        (local.set $y_2 (f32x4.add (f32x4.mul (local.get $y_2) (local.get $x_2)) (v128.const f32x4 -1.1514610310E-1 -1.1514610310E-1 -1.1514610310E-1 -1.1514610310E-1)))
        (local.set $y_2 (f32x4.add (f32x4.mul (local.get $y_2) (local.get $x_2)) (v128.const f32x4 1.1676998740E-1 1.1676998740E-1 1.1676998740E-1 1.1676998740E-1)))
        (local.set $y_2 (f32x4.add (f32x4.mul (local.get $y_2) (local.get $x_2)) (v128.const f32x4 -1.2420140846E-1 -1.2420140846E-1 -1.2420140846E-1 -1.2420140846E-1)))
        (local.set $y_2 (f32x4.add (f32x4.mul (local.get $y_2) (local.get $x_2)) (v128.const f32x4 1.4249322787E-1 1.4249322787E-1 1.4249322787E-1 1.4249322787E-1)))
        (local.set $y_2 (f32x4.add (f32x4.mul (local.get $y_2) (local.get $x_2)) (v128.const f32x4 -1.6668057665E-1 -1.6668057665E-1 -1.6668057665E-1 -1.6668057665E-1)))
        (local.set $y_2 (f32x4.add (f32x4.mul (local.get $y_2) (local.get $x_2)) (v128.const f32x4 2.0000714765E-1 2.0000714765E-1 2.0000714765E-1 2.0000714765E-1)))
        (local.set $y_2 (f32x4.add (f32x4.mul (local.get $y_2) (local.get $x_2)) (v128.const f32x4 -2.4999993993E-1 -2.4999993993E-1 -2.4999993993E-1 -2.4999993993E-1)))
        (local.set $y_2 (f32x4.add (f32x4.mul (local.get $y_2) (local.get $x_2)) (v128.const f32x4 3.3333331174E-1 3.3333331174E-1 3.3333331174E-1 3.3333331174E-1)))
        (local.set $y_2 (f32x4.mul (f32x4.mul (local.get $y_2) (local.get $x_2)) (local.get $lz_2)))
        (local.set $ef_2 (f32x4.convert_i32x4_s (local.get $e_2)))
        (local.set $y_2 (f32x4.add (local.get $y_2) (f32x4.mul (local.get $ef_2) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
        (local.set $y_2 (f32x4.sub (local.get $y_2) (f32x4.mul (local.get $lz_2) (v128.const f32x4 0.5 0.5 0.5 0.5))))
        (local.set $r_2 (f32x4.add (f32x4.add (local.get $x_2) (local.get $y_2))
            (f32x4.mul (local.get $ef_2) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))))
        (local.set $r_2 (f32x4.sqrt (f32x4.mul (local.get $r_2) (v128.const f32x4 -2 -2 -2 -2))))
        ;; φ = ((22 bits) + ½)·2^−22·π/2 − π/4
        (local.set $p_2 (f32x4.sub
          (f32x4.mul
            (f32x4.convert_i32x4_s (v128.and (i32x4.shr_u (local.get $b_2) (i32.const 8)) (v128.const i32x4 0x3fffff 0x3fffff 0x3fffff 0x3fffff)))
            (v128.const f32x4 3.74507028e-7 3.74507028e-7 3.74507028e-7 3.74507028e-7))
          (v128.const f32x4 0.785398 0.785398 0.785398 0.785398)))
        (local.set $z_2 (f32x4.mul (local.get $p_2) (local.get $p_2)))
        ;; Cephes sinf / cosf on [−π/4, π/4]
        (local.set $sn_2 (f32x4.add (local.get $p_2) (f32x4.mul (f32x4.mul (local.get $z_2) (local.get $p_2))
          (f32x4.add (f32x4.mul (f32x4.add (f32x4.mul (local.get $z_2)
            (v128.const f32x4 -1.9515295891E-4 -1.9515295891E-4 -1.9515295891E-4 -1.9515295891E-4))
            (v128.const f32x4 8.3321608736E-3 8.3321608736E-3 8.3321608736E-3 8.3321608736E-3)) (local.get $z_2))
            (v128.const f32x4 -1.6666654611E-1 -1.6666654611E-1 -1.6666654611E-1 -1.6666654611E-1)))))
        (local.set $cs_2 (f32x4.add (v128.const f32x4 1 1 1 1) (f32x4.sub
          (f32x4.mul (f32x4.mul (local.get $z_2) (local.get $z_2))
            (f32x4.add (f32x4.mul (f32x4.add (f32x4.mul (local.get $z_2)
              (v128.const f32x4 2.443315711809948E-5 2.443315711809948E-5 2.443315711809948E-5 2.443315711809948E-5))
              (v128.const f32x4 -1.388731625493765E-3 -1.388731625493765E-3 -1.388731625493765E-3 -1.388731625493765E-3)) (local.get $z_2))
              (v128.const f32x4 4.166664568298827E-2 4.166664568298827E-2 4.166664568298827E-2 4.166664568298827E-2)))
          (f32x4.mul (local.get $z_2) (v128.const f32x4 0.5 0.5 0.5 0.5)))))
        ;; rotate by quadrant q·π/2: q=0 (c, s), 1 (−s, c), 2 (−c, −s), 3 (s, −c)
        (local.set $q_2 (i32x4.shr_u (local.get $b_2) (i32.const 30)))
        (local.set $swap_2 (i32x4.eq (v128.and (local.get $q_2) (v128.const i32x4 1 1 1 1)) (v128.const i32x4 1 1 1 1)))
        (local.set $c_2 (v128.bitselect (local.get $sn_2) (local.get $cs_2) (local.get $swap_2)))
        (local.set $s_2 (v128.bitselect (local.get $cs_2) (local.get $sn_2) (local.get $swap_2)))
        (local.set $c_2 (v128.xor (local.get $c_2)
          (i32x4.shl (v128.xor (local.get $q_2) (i32x4.shr_u (local.get $q_2) (i32.const 1))) (i32.const 31))))
        (local.set $s_2 (v128.xor (local.get $s_2) (i32x4.shl (i32x4.shr_u (local.get $q_2) (i32.const 1)) (i32.const 31))))
        (v128.store offset=32 (local.get $out) (f32x4.add (local.get $meanv)
          (f32x4.mul (local.get $stdv) (f32x4.mul (local.get $r_2) (local.get $c_2)))))
        (v128.store offset=48 (local.get $out) (f32x4.add (local.get $meanv)
          (f32x4.mul (local.get $stdv) (f32x4.mul (local.get $r_2) (local.get $s_2)))))
        ;; the third
        (local.set $a_3 (i32x4.mul (local.get $s1) (v128.const i32x4 5 5 5 5)))
        (local.set $a_3 (v128.or (i32x4.shl (local.get $a_3) (i32.const 7)) (i32x4.shr_u (local.get $a_3) (i32.const 25))))
        (local.set $a_3 (i32x4.mul (local.get $a_3) (v128.const i32x4 9 9 9 9)))
        (local.set $t (i32x4.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (v128.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (v128.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (v128.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (v128.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (v128.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (v128.or (i32x4.shl (local.get $s3) (i32.const 11)) (i32x4.shr_u (local.get $s3) (i32.const 21))))
        (local.set $b_3 (i32x4.mul (local.get $s1) (v128.const i32x4 5 5 5 5)))
        (local.set $b_3 (v128.or (i32x4.shl (local.get $b_3) (i32.const 7)) (i32x4.shr_u (local.get $b_3) (i32.const 25))))
        (local.set $b_3 (i32x4.mul (local.get $b_3) (v128.const i32x4 9 9 9 9)))
        (local.set $t (i32x4.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (v128.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (v128.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (v128.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (v128.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (v128.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (v128.or (i32x4.shl (local.get $s3) (i32.const 11)) (i32x4.shr_u (local.get $s3) (i32.const 21))))
        ;; radius √(−2 ln u1), u1 in (0, 1]
        (local.set $r_3 (f32x4.mul
          (f32x4.convert_i32x4_s (i32x4.add (i32x4.shr_u (local.get $a_3) (i32.const 8)) (v128.const i32x4 1 1 1 1)))
          (v128.const f32x4 5.9604644775390625e-8 5.9604644775390625e-8 5.9604644775390625e-8 5.9604644775390625e-8)))
        (local.set $e_3 (i32x4.sub (i32x4.shr_u (local.get $r_3) (i32.const 23)) (v128.const i32x4 126 126 126 126)))
        (local.set $m_3 (v128.or (v128.and (local.get $r_3) (v128.const i32x4 0x7fffff 0x7fffff 0x7fffff 0x7fffff))
          (v128.const i32x4 0x3f000000 0x3f000000 0x3f000000 0x3f000000)))
        (local.set $lt_3 (f32x4.lt (local.get $m_3) (v128.const f32x4 0.707106781186547524 0.707106781186547524 0.707106781186547524 0.707106781186547524)))
        (local.set $e_3 (i32x4.add (local.get $e_3) (local.get $lt_3)))
        (local.set $x_3 (v128.bitselect
          (f32x4.sub (f32x4.add (local.get $m_3) (local.get $m_3)) (v128.const f32x4 1 1 1 1))
          (f32x4.sub (local.get $m_3) (v128.const f32x4 1 1 1 1))
          (local.get $lt_3)))
        (local.set $lz_3 (f32x4.mul (local.get $x_3) (local.get $x_3)))
        (local.set $y_3 (v128.const f32x4 7.0376836292E-2 7.0376836292E-2 7.0376836292E-2 7.0376836292E-2))
        (local.set $y_3 (f32x4.add (f32x4.mul (local.get $y_3) (local.get $x_3)) (v128.const f32x4 -1.1514610310E-1 -1.1514610310E-1 -1.1514610310E-1 -1.1514610310E-1)))
        (local.set $y_3 (f32x4.add (f32x4.mul (local.get $y_3) (local.get $x_3)) (v128.const f32x4 1.1676998740E-1 1.1676998740E-1 1.1676998740E-1 1.1676998740E-1)))
        (local.set $y_3 (f32x4.add (f32x4.mul (local.get $y_3) (local.get $x_3)) (v128.const f32x4 -1.2420140846E-1 -1.2420140846E-1 -1.2420140846E-1 -1.2420140846E-1)))
        (local.set $y_3 (f32x4.add (f32x4.mul (local.get $y_3) (local.get $x_3)) (v128.const f32x4 1.4249322787E-1 1.4249322787E-1 1.4249322787E-1 1.4249322787E-1)))
        (local.set $y_3 (f32x4.add (f32x4.mul (local.get $y_3) (local.get $x_3)) (v128.const f32x4 -1.6668057665E-1 -1.6668057665E-1 -1.6668057665E-1 -1.6668057665E-1)))
        (local.set $y_3 (f32x4.add (f32x4.mul (local.get $y_3) (local.get $x_3)) (v128.const f32x4 2.0000714765E-1 2.0000714765E-1 2.0000714765E-1 2.0000714765E-1)))
        (local.set $y_3 (f32x4.add (f32x4.mul (local.get $y_3) (local.get $x_3)) (v128.const f32x4 -2.4999993993E-1 -2.4999993993E-1 -2.4999993993E-1 -2.4999993993E-1)))
        (local.set $y_3 (f32x4.add (f32x4.mul (local.get $y_3) (local.get $x_3)) (v128.const f32x4 3.3333331174E-1 3.3333331174E-1 3.3333331174E-1 3.3333331174E-1)))
        (local.set $y_3 (f32x4.mul (f32x4.mul (local.get $y_3) (local.get $x_3)) (local.get $lz_3)))
        (local.set $ef_3 (f32x4.convert_i32x4_s (local.get $e_3)))
        (local.set $y_3 (f32x4.add (local.get $y_3) (f32x4.mul (local.get $ef_3) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
        (local.set $y_3 (f32x4.sub (local.get $y_3) (f32x4.mul (local.get $lz_3) (v128.const f32x4 0.5 0.5 0.5 0.5))))
        (local.set $r_3 (f32x4.add (f32x4.add (local.get $x_3) (local.get $y_3))
            (f32x4.mul (local.get $ef_3) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))))
        (local.set $r_3 (f32x4.sqrt (f32x4.mul (local.get $r_3) (v128.const f32x4 -2 -2 -2 -2))))
        ;; φ = ((22 bits) + ½)·2^−22·π/2 − π/4
        (local.set $p_3 (f32x4.sub
          (f32x4.mul
            (f32x4.convert_i32x4_s (v128.and (i32x4.shr_u (local.get $b_3) (i32.const 8)) (v128.const i32x4 0x3fffff 0x3fffff 0x3fffff 0x3fffff)))
            (v128.const f32x4 3.74507028e-7 3.74507028e-7 3.74507028e-7 3.74507028e-7))
          (v128.const f32x4 0.785398 0.785398 0.785398 0.785398)))
        (local.set $z_3 (f32x4.mul (local.get $p_3) (local.get $p_3)))
        ;; Cephes sinf / cosf on [−π/4, π/4]
        (local.set $sn_3 (f32x4.add (local.get $p_3) (f32x4.mul (f32x4.mul (local.get $z_3) (local.get $p_3))
          (f32x4.add (f32x4.mul (f32x4.add (f32x4.mul (local.get $z_3)
            (v128.const f32x4 -1.9515295891E-4 -1.9515295891E-4 -1.9515295891E-4 -1.9515295891E-4))
            (v128.const f32x4 8.3321608736E-3 8.3321608736E-3 8.3321608736E-3 8.3321608736E-3)) (local.get $z_3))
            (v128.const f32x4 -1.6666654611E-1 -1.6666654611E-1 -1.6666654611E-1 -1.6666654611E-1)))))
        (local.set $cs_3 (f32x4.add (v128.const f32x4 1 1 1 1) (f32x4.sub
          (f32x4.mul (f32x4.mul (local.get $z_3) (local.get $z_3))
            (f32x4.add (f32x4.mul (f32x4.add (f32x4.mul (local.get $z_3)
              (v128.const f32x4 2.443315711809948E-5 2.443315711809948E-5 2.443315711809948E-5 2.443315711809948E-5))
              (v128.const f32x4 -1.388731625493765E-3 -1.388731625493765E-3 -1.388731625493765E-3 -1.388731625493765E-3)) (local.get $z_3))
              (v128.const f32x4 4.166664568298827E-2 4.166664568298827E-2 4.166664568298827E-2 4.166664568298827E-2)))
          (f32x4.mul (local.get $z_3) (v128.const f32x4 0.5 0.5 0.5 0.5)))))
        ;; rotate by quadrant q·π/2: q=0 (c, s), 1 (−s, c), 2 (−c, −s), 3 (s, −c)
        (local.set $q_3 (i32x4.shr_u (local.get $b_3) (i32.const 30)))
        (local.set $swap_3 (i32x4.eq (v128.and (local.get $q_3) (v128.const i32x4 1 1 1 1)) (v128.const i32x4 1 1 1 1)))
        (local.set $c_3 (v128.bitselect (local.get $sn_3) (local.get $cs_3) (local.get $swap_3)))
        (local.set $s_3 (v128.bitselect (local.get $cs_3) (local.get $sn_3) (local.get $swap_3)))
        (local.set $c_3 (v128.xor (local.get $c_3)
          (i32x4.shl (v128.xor (local.get $q_3) (i32x4.shr_u (local.get $q_3) (i32.const 1))) (i32.const 31))))
        (local.set $s_3 (v128.xor (local.get $s_3) (i32x4.shl (i32x4.shr_u (local.get $q_3) (i32.const 1)) (i32.const 31))))
        (v128.store offset=64 (local.get $out) (f32x4.add (local.get $meanv)
          (f32x4.mul (local.get $stdv) (f32x4.mul (local.get $r_3) (local.get $c_3)))))
        (v128.store offset=80 (local.get $out) (f32x4.add (local.get $meanv)
          (f32x4.mul (local.get $stdv) (f32x4.mul (local.get $r_3) (local.get $s_3)))))
        (local.set $out (i32.add (local.get $out) (i32.const 96)))
        (br $l)))
    (v128.store (local.get $st) (local.get $s0))
    (v128.store offset=16 (local.get $st) (local.get $s1))
    (v128.store offset=32 (local.get $st) (local.get $s2))
    (v128.store offset=48 (local.get $st) (local.get $s3)))

  ;; ---- Programming with the noise drawn in place (differential pairs, the default) ----
  ;; program_diff in f32x4 with its normals made by fill_normal into $scratch, 192 weights (384
  ;; normals, 1.5 KB: stays in L1) at a time, so they never go through main memory. Four weights
  ;; (eight devices) a step: g+ of weight 4g+l gets r·cos of lane l of block g, g− its r·sin (the
  ;; two Box–Muller outputs are independent N(0, 1)). Same physics as program_diff (levels, noise,
  ;; clip to [0, 1], stuck-at, flags 1 and 4 as there; noise always on), in f32 instead of f64:
  ;; results differ from program_diff in the last bits. The stuck map's bytes (g+, g−, g+, …) are
  ;; split by a shuffle. A last group of fewer than four weights is loaded and stored lane by lane.
  ;; $scratch needs 400 floats. A range of the weights can be programmed on its own (another thread)
  ;; from the generator state the whole run would have at its start (KernelPool jumps it there).
  (func (export "program_diff_noisy") (param $w i32) (param $stuck i32) (param $out i32) (param $n i32)
    (param $inv f32) (param $wMax f32) (param $steps f32) (param $invSteps f32) (param $flags i32)
    (param $st i32) (param $std f32) (param $scratch i32)
    (local $i i32) (local $rem i32) (local $wv v128) (local $sb v128) (local $gp v128) (local $gn v128)
    (local $stp v128) (local $stn v128) (local $res v128) (local $chunkEnd i32) (local $nz i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        ;; the next chunk's normals: 8 per group of four weights, 384 (a whole number of fill_normal
        ;; iterations) for 192 weights
        (if (i32.ge_u (local.get $i) (local.get $chunkEnd))
          (then
            (local.set $chunkEnd (i32.add (local.get $i) (i32.const 192)))
            (if (i32.gt_u (local.get $chunkEnd) (local.get $n)) (then (local.set $chunkEnd (local.get $n))))
            (call $fill_normal (local.get $scratch)
              (i32.shl (i32.shr_u (i32.add (i32.sub (local.get $chunkEnd) (local.get $i)) (i32.const 3)) (i32.const 2)) (i32.const 3))
              (local.get $st) (local.get $std) (f32.const 0))
            (local.set $nz (local.get $scratch))))
        (local.set $rem (i32.sub (local.get $n) (local.get $i)))
        (if (i32.ge_u (local.get $rem) (i32.const 4))
          (then
            (local.set $wv (v128.load (i32.add (local.get $w) (i32.shl (local.get $i) (i32.const 2)))))
            (if (i32.and (local.get $flags) (i32.const 4))
              (then (local.set $sb (v128.load64_zero (i32.add (local.get $stuck) (i32.shl (local.get $i) (i32.const 1))))))))
          (else
            (local.set $wv (v128.const i32x4 0 0 0 0))
            (local.set $sb (v128.const i32x4 0 0 0 0))
            (local.set $wv (v128.load32_lane 0 (i32.add (local.get $w) (i32.shl (local.get $i) (i32.const 2))) (local.get $wv)))
            (local.set $sb (v128.load16_lane 0 (i32.add (local.get $stuck) (i32.shl (local.get $i) (i32.const 1))) (local.get $sb)))
            (if (i32.ge_u (local.get $rem) (i32.const 2))
              (then
                (local.set $wv (v128.load32_lane 1 (i32.add (local.get $w) (i32.shl (i32.add (local.get $i) (i32.const 1)) (i32.const 2))) (local.get $wv)))
                (local.set $sb (v128.load16_lane 1 (i32.add (local.get $stuck) (i32.shl (i32.add (local.get $i) (i32.const 1)) (i32.const 1))) (local.get $sb)))))
            (if (i32.ge_u (local.get $rem) (i32.const 3))
              (then
                (local.set $wv (v128.load32_lane 2 (i32.add (local.get $w) (i32.shl (i32.add (local.get $i) (i32.const 2)) (i32.const 2))) (local.get $wv)))
                (local.set $sb (v128.load16_lane 2 (i32.add (local.get $stuck) (i32.shl (i32.add (local.get $i) (i32.const 2)) (i32.const 1))) (local.get $sb)))))
            (if (i32.eqz (i32.and (local.get $flags) (i32.const 4)))
              (then (local.set $sb (v128.const i32x4 0 0 0 0))))))
        ;; t = clamp(w·inv, −1, 1); (g+, g−) = (max(t, 0), max(−t, 0))
        (local.set $wv (f32x4.mul (local.get $wv) (f32x4.splat (local.get $inv))))
        (local.set $wv (f32x4.pmax (f32x4.pmin (local.get $wv) (v128.const f32x4 1 1 1 1)) (v128.const f32x4 -1 -1 -1 -1)))
        (local.set $gp (f32x4.pmax (local.get $wv) (v128.const f32x4 0 0 0 0)))
        (local.set $gn (f32x4.pmax (f32x4.neg (local.get $wv)) (v128.const f32x4 0 0 0 0)))
        (if (i32.and (local.get $flags) (i32.const 1))
          (then
            (local.set $gp (f32x4.mul (f32x4.floor (f32x4.add (f32x4.mul (local.get $gp) (f32x4.splat (local.get $steps)))
              (v128.const f32x4 0.5 0.5 0.5 0.5))) (f32x4.splat (local.get $invSteps))))
            (local.set $gn (f32x4.mul (f32x4.floor (f32x4.add (f32x4.mul (local.get $gn) (f32x4.splat (local.get $steps)))
              (v128.const f32x4 0.5 0.5 0.5 0.5))) (f32x4.splat (local.get $invSteps))))))
        (local.set $gp (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $gp) (v128.load (local.get $nz)))
          (v128.const f32x4 0 0 0 0)) (v128.const f32x4 1 1 1 1)))
        (local.set $gn (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $gn) (v128.load offset=16 (local.get $nz)))
          (v128.const f32x4 0 0 0 0)) (v128.const f32x4 1 1 1 1)))
        (local.set $nz (i32.add (local.get $nz) (i32.const 32)))
        (if (i32.and (local.get $flags) (i32.const 4))
          (then
            (local.set $stp (i8x16.shuffle 0 16 16 16 2 16 16 16 4 16 16 16 6 16 16 16 (local.get $sb) (v128.const i32x4 0 0 0 0)))
            (local.set $stn (i8x16.shuffle 1 16 16 16 3 16 16 16 5 16 16 16 7 16 16 16 (local.get $sb) (v128.const i32x4 0 0 0 0)))
            (local.set $gp (v128.bitselect (local.get $gp)
              (v128.and (i32x4.eq (local.get $stp) (v128.const i32x4 2 2 2 2)) (v128.const f32x4 1 1 1 1))
              (i32x4.eq (local.get $stp) (v128.const i32x4 0 0 0 0))))
            (local.set $gn (v128.bitselect (local.get $gn)
              (v128.and (i32x4.eq (local.get $stn) (v128.const i32x4 2 2 2 2)) (v128.const f32x4 1 1 1 1))
              (i32x4.eq (local.get $stn) (v128.const i32x4 0 0 0 0))))))
        (local.set $res (f32x4.mul (f32x4.splat (local.get $wMax)) (f32x4.sub (local.get $gp) (local.get $gn))))
        (if (i32.ge_u (local.get $rem) (i32.const 4))
          (then (v128.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2))) (local.get $res)))
          (else
            (v128.store32_lane 0 (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2))) (local.get $res))
            (if (i32.ge_u (local.get $rem) (i32.const 2))
              (then (v128.store32_lane 1 (i32.add (local.get $out) (i32.shl (i32.add (local.get $i) (i32.const 1)) (i32.const 2))) (local.get $res))))
            (if (i32.ge_u (local.get $rem) (i32.const 3))
              (then (v128.store32_lane 2 (i32.add (local.get $out) (i32.shl (i32.add (local.get $i) (i32.const 2)) (i32.const 2))) (local.get $res))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $l))))

  ;; e^−y for y in [0, 6] (the ziggurat's wedge test, y = x²/2, |x| ≤ R): y = k·ln 2 + r with
  ;; |r| ≤ ln 2 / 2, e^−r by its Taylor series to degree 14 (remainder < 1e−17), times 2^−k built
  ;; from the exponent bits. Relative error about 1e−15; zig_fast only trusts it with a 1e−12 margin.
  (func $exp_neg (param $y f64) (result f64)
    (local $k f64) (local $z f64)
    (local.set $k (f64.nearest (f64.mul (local.get $y) (f64.const 1.4426950408889634))))
    (local.set $z (f64.neg (f64.sub (local.get $y) (f64.mul (local.get $k) (f64.const 0.6931471805599453)))))
    (f64.mul (f64.add (f64.mul (f64.add (f64.mul (f64.add (f64.mul (f64.add (f64.mul (f64.add (f64.mul (f64.add (f64.mul (f64.add (f64.mul (f64.add (f64.mul (f64.add (f64.mul (f64.add (f64.mul (f64.add (f64.mul (f64.add (f64.mul (f64.add (f64.mul (f64.add (f64.mul (f64.const 1.1470745597729725e-11) (local.get $z)) (f64.const 1.6059043836821613e-10)) (local.get $z)) (f64.const 2.08767569878681e-09)) (local.get $z)) (f64.const 2.505210838544172e-08)) (local.get $z)) (f64.const 2.755731922398589e-07)) (local.get $z)) (f64.const 2.7557319223985893e-06)) (local.get $z)) (f64.const 2.48015873015873e-05)) (local.get $z)) (f64.const 0.0001984126984126984)) (local.get $z)) (f64.const 0.001388888888888889)) (local.get $z)) (f64.const 0.008333333333333333)) (local.get $z)) (f64.const 0.041666666666666664)) (local.get $z)) (f64.const 0.16666666666666666)) (local.get $z)) (f64.const 0.5)) (local.get $z)) (f64.const 1.0)) (local.get $z)) (f64.const 1.0))
      (f64.reinterpret_i64 (i64.shl (i64.sub (i64.const 1023) (i64.trunc_f64_s (local.get $k))) (i64.const 52)))))

  ;; ---- The Rng's ziggurat normals, fast path (engine/sim/rng.ts fillNormal) ----
  ;; The same xoshiro128** stream and the same 128-layer ziggurat as Rng.fillNormal, in the same
  ;; f64 arithmetic, so the draws are bit-identical: state s0..s3 (i32) at $st, tables K, W, F
  ;; (128 f64 each) at $tab, $tab+1024, $tab+2048. Writes mean + std·z (f32, or f64 when $wide) for i = $i, … until
  ;; $n or until a draw needs JavaScript (the tail beyond R, which needs log, and wedge tests too
  ;; close to call against Math.exp): then it stores the state, that raw draw at $st+16, and returns
  ;; its index for JavaScript to finish (Rng.normalFrom) before calling again. Returns $n when done.
  (func (export "zig_fast") (param $out i32) (param $i i32) (param $n i32) (param $st i32) (param $tab i32)
    (param $std f64) (param $mean f64) (param $wide i32) (result i32)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32) (local $r i32) (local $t i32)
    (local $hz f64) (local $iz i32) (local $x f64) (local $u i32) (local $f f64) (local $lhs f64) (local $e f64)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local.set $s0 (i32.load (local.get $st)))
    (local.set $s1 (i32.load offset=4 (local.get $st)))
    (local.set $s2 (i32.load offset=8 (local.get $st)))
    (local.set $s3 (i32.load offset=12 (local.get $st)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $r (i32.mul (i32.rotl (i32.mul (local.get $s1) (i32.const 5)) (i32.const 7)) (i32.const 9)))
        (local.set $t (i32.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))
        (local.set $iz (i32.shl (i32.and (local.get $r) (i32.const 127)) (i32.const 3)))
        (local.set $hz (f64.convert_i32_s (i32.shr_s (local.get $r) (i32.const 7))))
        (if (i32.eqz (f64.lt (f64.abs (local.get $hz)) (f64.load (i32.add (local.get $tab) (local.get $iz)))))
          (then
            ;; A wedge (layer iz > 0): x = hz·W[iz], accepted when F[iz] + U·(F[iz−1] − F[iz]) <
            ;; e^(−x²/2) with U = next draw·2^−32, else a new draw (the loop). Decided here when the
            ;; two sides differ by more than 1e−12 relative; too close to call (or the tail, iz = 0):
            ;; back to JavaScript with the state from before U.
            (if (local.get $iz)
              (then
                (local.set $x (f64.mul (local.get $hz) (f64.load offset=1024 (i32.add (local.get $tab) (local.get $iz)))))
                (local.set $p0 (local.get $s0))
                (local.set $p1 (local.get $s1))
                (local.set $p2 (local.get $s2))
                (local.set $p3 (local.get $s3))
                (local.set $u (i32.mul (i32.rotl (i32.mul (local.get $s1) (i32.const 5)) (i32.const 7)) (i32.const 9)))
                (local.set $t (i32.shl (local.get $s1) (i32.const 9)))
                (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
                (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
                (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
                (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
                (local.set $s2 (i32.xor (local.get $s2) (local.get $t)))
                (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))
                (local.set $f (f64.load offset=2048 (i32.add (local.get $tab) (local.get $iz))))
                (local.set $lhs (f64.add (local.get $f) (f64.mul
                  (f64.mul (f64.convert_i32_u (local.get $u)) (f64.const 2.3283064365386963e-10))
                  (f64.sub (f64.load offset=2040 (i32.add (local.get $tab) (local.get $iz))) (local.get $f)))))
                (local.set $e (call $exp_neg (f64.mul (f64.const 0.5) (f64.mul (local.get $x) (local.get $x)))))
                (if (f64.lt (local.get $lhs) (f64.mul (local.get $e) (f64.const 0.999999999999)))
                  (then
                    (local.set $x (f64.add (local.get $mean) (f64.mul (local.get $std) (local.get $x))))
                    (if (local.get $wide)
                      (then (f64.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3))) (local.get $x)))
                      (else (f32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
                        (f32.demote_f64 (local.get $x)))))
                    (local.set $i (i32.add (local.get $i) (i32.const 1)))
                    (br $l)))
                (br_if $l (f64.gt (local.get $lhs) (f64.mul (local.get $e) (f64.const 1.000000000001))))
                (local.set $s0 (local.get $p0))
                (local.set $s1 (local.get $p1))
                (local.set $s2 (local.get $p2))
                (local.set $s3 (local.get $p3))))
            (i32.store (local.get $st) (local.get $s0))
            (i32.store offset=4 (local.get $st) (local.get $s1))
            (i32.store offset=8 (local.get $st) (local.get $s2))
            (i32.store offset=12 (local.get $st) (local.get $s3))
            (i32.store offset=16 (local.get $st) (local.get $r))
            (return (local.get $i))))
        (local.set $x (f64.add (local.get $mean) (f64.mul (local.get $std)
          (f64.mul (local.get $hz) (f64.load offset=1024 (i32.add (local.get $tab) (local.get $iz)))))))
        (if (local.get $wide)
          (then (f64.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3))) (local.get $x)))
          (else (f32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2))) (f32.demote_f64 (local.get $x)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (i32.store (local.get $st) (local.get $s0))
    (i32.store offset=4 (local.get $st) (local.get $s1))
    (i32.store offset=8 (local.get $st) (local.get $s2))
    (i32.store offset=12 (local.get $st) (local.get $s3))
    (local.get $n))
)
